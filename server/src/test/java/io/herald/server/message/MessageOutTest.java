package io.herald.server.message;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonRawValue;
import com.fasterxml.jackson.databind.JsonNode;
import io.herald.server.api.Json;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** MessageOut's hand-written serializer answers byte for byte what the mapper's bean serializer answered. */
class MessageOutTest {
  /** MessageOut as it was serialized before: the same components, by reflection. */
  record AsBean(String id, String eventId, String eventType, @JsonRawValue String payload, List<String> channels,
      String timestamp, String subject, Long sequence, String user, Map<String, String> labels, JsonNode metadata) {

    static AsBean of(MessageOut m) {
      return new AsBean(m.id(), m.eventId(), m.eventType(), m.payload(), m.channels(), m.timestamp(), m.subject(),
          m.sequence(), m.user(), m.labels(), m.metadata());
    }
  }

  private static void sameAsBean(Message m, boolean withContent) {
    MessageOut out = MessageOut.of(m, withContent);
    assertThat(new String(Json.write(out), StandardCharsets.UTF_8))
        .isEqualTo(new String(Json.write(AsBean.of(out)), StandardCharsets.UTF_8));
  }

  @Test
  void a_plain_message_with_and_without_content() {
    Message m = new Message("msg_1", "app_1", null, "order.created", null,
        "{\"a\":[1,2,{\"b\":\"\\u00e9\\\"\"}]}".getBytes(StandardCharsets.UTF_8), 1_763_800_000_123L, null, null, null,
        null, null);
    sameAsBean(m, true);
    sameAsBean(m, false);
  }

  @Test
  void a_message_with_every_field() {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("region", "eu \"west\"");
    labels.put("tier", "gold");
    Message m = new Message("msg_2", "app_1", "evt-7", "session.step", List.of("a", "b\u00e9"),
        "{}".getBytes(StandardCharsets.UTF_8), 0L, "session-42", 7L, "ana@example.com", labels,
        "{\"k\":{\"n\":[true,null,1.5]}}");
    sameAsBean(m, true);
  }

  @Test
  void empty_channels_and_labels_are_written_empty() {
    Message m = new Message("msg_3", "app_1", null, "e", List.of(), "[]".getBytes(StandardCharsets.UTF_8), 5L, null,
        null, null, Map.of(), "{}");
    sameAsBean(m, true);
  }
}
