package io.herald.server.eventtype;

import com.fasterxml.jackson.databind.JsonNode;
import io.herald.server.api.Json;

/**
 * A kind of message producers send (e.g. {@code order.created}); endpoints subscribe to them by name.
 *
 * @param lifecycle null, {@code "progress"} (a step of a subject's life that a newer one supersedes) or
 *     {@code "terminal"} (the subject's last event: later messages about it are refused)
 * @param category a group name some wire formats send along (DirectScale's {@code EventCategory})
 * @param failure a terminal type that ends its subject as failed rather than completed
 */
public record EventType(String name, String description, boolean archived, boolean deprecated, String featureFlag,
    String schemas, String lifecycle, String category, boolean failure, long createdAt, long updatedAt) {

  public static final String PROGRESS = "progress";
  public static final String TERMINAL = "terminal";

  /** Svix's EventTypeOut, plus Herald's lifecycle fields. */
  public record Out(String name, String description, boolean archived, boolean deprecated, String featureFlag,
      JsonNode schemas, String lifecycle, String category, boolean failure, String createdAt, String updatedAt) {}

  public Out toOut() {
    return new Out(name, description, archived, deprecated, featureFlag, Json.tree(schemas), lifecycle, category,
        failure, Json.time(createdAt), Json.time(updatedAt));
  }
}
