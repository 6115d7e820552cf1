package io.herald.server.application;

import com.fasterxml.jackson.databind.JsonNode;

/** A customer of the operator: the owner of endpoints and messages. */
public record Application(
    String id, String uid, String name, Integer throttleRate, String metadata, long createdAt, long updatedAt) {

  /** The API representation (Svix's ApplicationOut). */
  public record Out(String id, String uid, String name, Integer throttleRate, JsonNode metadata, String createdAt,
      String updatedAt) {}

  public Out toOut() {
    return new Out(id, uid, name, throttleRate, io.herald.server.api.Json.tree(metadata),
        io.herald.server.api.Json.time(createdAt), io.herald.server.api.Json.time(updatedAt));
  }
}
