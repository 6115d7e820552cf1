package io.herald.server.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.herald.server.api.Json;
import io.herald.server.message.Message;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;

/**
 * Simplici's envelope: {@code {"payload", "sessionId", "pipelineId", "stepId", "date", "metadata"}}, in that order.
 *
 * <p>sessionId is the subject; pipelineId and stepId come from the message's labels, and stepId falls back to the
 * event type. date is the message time as Simplici prints it ({@code 2024-03-14T14:55:50.094+00:00}: milliseconds and
 * a numeric UTC offset, not "Z"). metadata is the subject's metadata with the message's own metadata merged over it
 * (top-level keys; the message wins), the way Simplici echoes what was supplied when the session was created.
 * Absent values are written as null so the shape never changes.
 */
final class SessionBody implements BodyFormatter {
  static final DateTimeFormatter DATE =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSxxx").withZone(ZoneOffset.UTC);

  @Override
  public Body render(WireContext ctx) {
    Message m = ctx.message();
    Map<String, String> labels = m.labels() == null ? Map.of() : m.labels();
    return new Body.Ready(BodyFormatter.object(g -> {
      BodyFormatter.rawPayload(g, "payload", m.payload());
      g.writeStringField("sessionId", m.subject());
      g.writeStringField("pipelineId", labels.get("pipelineId"));
      g.writeStringField("stepId", labels.getOrDefault("stepId", m.eventType()));
      g.writeStringField("date", DATE.format(Instant.ofEpochMilli(m.createdAt())));
      g.writeFieldName("metadata");
      g.writeTree(metadata(ctx));
    }));
  }

  static ObjectNode metadata(WireContext ctx) {
    ObjectNode merged = Json.MAPPER.createObjectNode();
    if (ctx.subject() != null && Json.tree(ctx.subject().metadata()) instanceof ObjectNode subject) {
      merged.setAll(subject);
    }
    JsonNode own = Json.tree(ctx.message().metadata());
    if (own instanceof ObjectNode message) {
      merged.setAll(message);
    }
    return merged;
  }
}
