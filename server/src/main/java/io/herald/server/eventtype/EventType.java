package io.herald.server.eventtype;

import com.fasterxml.jackson.databind.JsonNode;
import io.herald.server.api.Json;

/** A kind of message producers send (e.g. {@code order.created}); endpoints subscribe to them by name. */
public record EventType(String name, String description, boolean archived, boolean deprecated, String featureFlag,
    String schemas, long createdAt, long updatedAt) {

  /** Svix's EventTypeOut. */
  public record Out(String name, String description, boolean archived, boolean deprecated, String featureFlag,
      JsonNode schemas, String createdAt, String updatedAt) {}

  public Out toOut() {
    return new Out(name, description, archived, deprecated, featureFlag, Json.tree(schemas), Json.time(createdAt),
        Json.time(updatedAt));
  }
}
