package io.herald.server.message;

import com.fasterxml.jackson.annotation.JsonRawValue;
import com.fasterxml.jackson.databind.JsonNode;
import io.herald.server.api.Json;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Svix's MessageOut, plus Herald's subject fields (absent when not set). The payload is written as the stored bytes,
 * not re-serialized.
 */
public record MessageOut(String id, String eventId, String eventType, @JsonRawValue String payload,
    List<String> channels, String timestamp, String subject, Long sequence, String user, Map<String, String> labels,
    JsonNode metadata) {

  public static MessageOut of(Message m, boolean withContent) {
    String payload = withContent && m.payload() != null ? new String(m.payload(), StandardCharsets.UTF_8) : "{}";
    return new MessageOut(m.id(), m.eventId(), m.eventType(), payload, m.channels(), Json.time(m.createdAt()),
        m.subject(), m.sequence(), m.user(), m.labels(), Json.tree(m.metadata()));
  }
}
