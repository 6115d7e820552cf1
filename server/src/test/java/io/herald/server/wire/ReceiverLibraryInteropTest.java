package io.herald.server.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.receiver.InMemoryDedupeStore;
import io.herald.receiver.InMemorySubjectTracker;
import io.herald.receiver.ReceiveResult;
import io.herald.receiver.WebhookReceiver;
import io.herald.server.testing.ReceivedRequest;
import io.herald.server.testing.ScriptedReceiver;
import io.herald.server.testing.TestServer;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** What Herald sends is what herald-receiver expects: signature, bearer token, subject, sequence, event type. */
class ReceiverLibraryInteropTest {
  @Test
  void herald_receiver_accepts_a_subjects_deliveries_in_sequence_and_drops_a_replay() {
    try (ScriptedReceiver receiver = ScriptedReceiver.start(); TestServer herald = TestServer.start()) {
      herald.post("/api/v1/app", "{\"name\":\"LeadFinder\",\"uid\":\"lf\"}");
      herald.post("/api/v1/event-type",
          "{\"name\":\"ORDER_DATA_COMPLETED\",\"description\":\"\",\"lifecycle\":\"terminal\"}");
      String ep = herald.post("/api/v1/app/lf/endpoint", "{\"url\":\"" + receiver.url("/hook") + "\","
          + "\"bodyFormat\":\"event-data\",\"ordering\":\"subject\",\"bearerToken\":\"tok-123\"}").field("id");
      String secret = herald.get("/api/v1/app/lf/endpoint/" + ep + "/secret").field("key");
      herald.post("/api/v1/app/lf/msg", "{\"eventType\":\"ORDER_DATA_STARTED\",\"subject\":\"o-1\",\"payload\":{}}");
      herald.post("/api/v1/app/lf/msg", "{\"eventType\":\"ORDER_DATA_COMPLETED\",\"subject\":\"o-1\",\"payload\":{}}");
      List<ReceivedRequest> got = receiver.awaitCount(2, Duration.ofSeconds(10));

      WebhookReceiver library = WebhookReceiver.builder().secret(secret).bearerToken("tok-123")
          .dedupeStore(new InMemoryDedupeStore()).subjectTracker(new InMemorySubjectTracker())
          .terminalEventTypes("ORDER_DATA_COMPLETED").build();
      for (int i = 0; i < 2; i++) {
        ReceiveResult result = library.receive(got.get(i).headers(), got.get(i).body());
        int expected = i + 1;
        assertThat(result).isInstanceOfSatisfying(ReceiveResult.Accepted.class, a -> {
          assertThat(a.subject()).hasValue("o-1");
          assertThat(a.sequence()).isEqualTo(OptionalLong.of(expected));
          assertThat(a.eventType()).hasValueSatisfying(t -> assertThat(t).startsWith("ORDER_DATA_"));
        });
      }
      assertThat(library.receive(got.get(0).headers(), got.get(0).body()))
          .isInstanceOf(ReceiveResult.Duplicate.class);
    }
  }
}
