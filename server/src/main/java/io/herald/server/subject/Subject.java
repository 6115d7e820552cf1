package io.herald.server.subject;

import com.fasterxml.jackson.databind.JsonNode;
import io.herald.server.api.Json;

/**
 * What a series of messages is about: an order, a signing session, a data job. Created by the first message that
 * names it or by {@code PUT .../subject/{id}}.
 *
 * @param metadata a JSON object (text) echoed into the webhooks about the subject by formats that carry it
 * @param state {@code open}, {@code completed} or {@code failed}; the last two refuse further messages
 * @param lastSequence the sequence number of the subject's newest message (0 before the first)
 * @param endedBy the terminal message that closed the subject, or null while open
 */
public record Subject(String appId, String id, String metadata, String state, long lastSequence, Long firstEventAt,
    Long lastEventAt, String endedBy, long createdAt, long updatedAt) {

  public static final String OPEN = "open";
  public static final String COMPLETED = "completed";
  public static final String FAILED = "failed";

  /** The API representation. */
  public record Out(String id, JsonNode metadata, String state, long lastSequence, String firstEventAt,
      String lastEventAt, String endedBy, String createdAt, String updatedAt) {}

  public Out toOut() {
    return new Out(id, Json.tree(metadata), state, lastSequence, firstEventAt == null ? null : Json.time(firstEventAt),
        lastEventAt == null ? null : Json.time(lastEventAt), endedBy, Json.time(createdAt), Json.time(updatedAt));
  }
}
