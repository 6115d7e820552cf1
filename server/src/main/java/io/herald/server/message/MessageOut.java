package io.herald.server.message;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import io.herald.server.api.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Svix's MessageOut, plus Herald's subject fields (absent when not set). The payload is written as the stored bytes,
 * not re-serialized.
 */
@JsonSerialize(using = MessageOut.Writer.class)
public record MessageOut(String id, String eventId, String eventType, String payload,
    List<String> channels, String timestamp, String subject, Long sequence, String user, Map<String, String> labels,
    JsonNode metadata) {

  public static MessageOut of(Message m, boolean withContent) {
    String payload = withContent && m.payload() != null ? new String(m.payload(), StandardCharsets.UTF_8) : "{}";
    return new MessageOut(m.id(), m.eventId(), m.eventType(), payload, m.channels(), Json.time(m.createdAt()),
        m.subject(), m.sequence(), m.user(), m.labels(), Json.tree(m.metadata()));
  }

  /**
   * Field by field with the streaming API, in the record's order and leaving out what is null, as the mapper's bean
   * serializer did: every accepted message is answered with one, and the bean serializer's reflection was a tenth of
   * the request threads' CPU samples in S1's profile.
   */
  static final class Writer extends StdSerializer<MessageOut> {
    Writer() {
      super(MessageOut.class);
    }

    @Override
    public void serialize(MessageOut m, JsonGenerator g, SerializerProvider provider) throws IOException {
      g.writeStartObject();
      g.writeStringField("id", m.id());
      optional(g, "eventId", m.eventId());
      g.writeStringField("eventType", m.eventType());
      g.writeFieldName("payload");
      g.writeRawValue(m.payload());
      if (m.channels() != null) {
        g.writeFieldName("channels");
        g.writeStartArray();
        for (String channel : m.channels()) {
          g.writeString(channel);
        }
        g.writeEndArray();
      }
      g.writeStringField("timestamp", m.timestamp());
      optional(g, "subject", m.subject());
      if (m.sequence() != null) {
        g.writeNumberField("sequence", m.sequence());
      }
      optional(g, "user", m.user());
      if (m.labels() != null) {
        g.writeObjectFieldStart("labels");
        for (Map.Entry<String, String> label : m.labels().entrySet()) {
          optional(g, label.getKey(), label.getValue());
        }
        g.writeEndObject();
      }
      if (m.metadata() != null) {
        g.writeFieldName("metadata");
        g.writeTree(m.metadata());
      }
      g.writeEndObject();
    }

    private static void optional(JsonGenerator g, String name, String value) throws IOException {
      if (value != null) {
        g.writeStringField(name, value);
      }
    }
  }
}
