package io.herald.server.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.herald.server.testing.ReceivedRequest;
import io.herald.server.testing.ScriptedReceiver;
import io.herald.server.testing.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code ordering: "subject"}: a subject's messages one at a time, in sequence, while other subjects flow. */
class SubjectOrderingTest {
  ScriptedReceiver receiver = ScriptedReceiver.start();
  TestServer herald;
  String endpoint;

  @AfterEach
  void stop() {
    herald.close();
    receiver.close();
  }

  /** The store under test; {@link PostgresSubjectOrderingTest} runs the same tests on PostgreSQL. */
  protected Map<String, String> store() {
    return Map.of();
  }

  void boot(String retrySchedule, String endpointOptions) {
    herald = TestServer.start(store(), Map.of("HERALD_RETRY_SCHEDULE", retrySchedule));
    herald.post("/api/v1/app", "{\"name\":\"Acme\",\"uid\":\"acme\"}");
    var ep = herald.post("/api/v1/app/acme/endpoint",
        "{\"url\":\"" + receiver.url("/hook") + "\"," + endpointOptions + "}");
    assertThat(ep.status()).as(ep.toString()).isEqualTo(201);
    endpoint = ep.field("id");
  }

  String send(String subject, int n) {
    var r = herald.post("/api/v1/app/acme/msg",
        "{\"eventType\":\"order.updated\",\"subject\":\"" + subject + "\",\"payload\":{\"n\":" + n + "}}");
    assertThat(r.status()).as(r.toString()).isEqualTo(202);
    return r.field("id");
  }

  static List<ReceivedRequest> of(List<ReceivedRequest> all, String subject) {
    return all.stream().filter(r -> subject.equals(r.header("webhook-subject"))).toList();
  }

  JsonNode state(String msgId) {
    return herald.get("/api/v1/app/acme/msg/" + msgId + "/endpoint").json().path("data").get(0);
  }

  @Test
  void a_failing_subject_holds_back_only_its_own_later_messages_which_then_arrive_in_sequence() {
    boot("0.3,0.3,0.3,0.3,0.3,0.3", "\"ordering\":\"subject\"");
    receiver.onHeader("webhook-subject", "order-a").respond(500).times(3).thenRespond(200);

    List<String> a = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      a.add(send("order-a", i));
      send("order-b", i);
    }
    // While order-a's first message is failing, its later ones wait (pending, no attempt time) and order-b flows.
    await().atMost(Duration.ofSeconds(5)).until(() -> of(receiver.requests(), "order-b").size() == 3);
    if (of(receiver.requests(), "order-a").stream().noneMatch(r -> !"1".equals(r.header("webhook-sequence")))) {
      JsonNode waiting = state(a.get(2));
      assertThat(waiting.path("statusText").asText()).isEqualTo("pending");
      assertThat(waiting.has("nextAttempt")).isFalse();
    }

    await().atMost(Duration.ofSeconds(10)).until(() -> of(receiver.requests(), "order-a").size() == 6);
    List<ReceivedRequest> all = receiver.requests();
    List<ReceivedRequest> orderA = of(all, "order-a");
    assertThat(orderA).extracting(r -> r.header("webhook-sequence")).containsExactly("1", "1", "1", "1", "2", "3");
    assertThat(orderA).extracting(ReceivedRequest::bodyText)
        .containsExactly("{\"n\":1}", "{\"n\":1}", "{\"n\":1}", "{\"n\":1}", "{\"n\":2}", "{\"n\":3}");
    ReceivedRequest recovered = orderA.get(3);
    assertThat(of(all, "order-b")).extracting(r -> r.header("webhook-sequence")).containsExactly("1", "2", "3");
    assertThat(of(all, "order-b")).allMatch(r -> r.receivedAt().isBefore(recovered.receivedAt()));
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
      for (String id : a) {
        assertThat(state(id).path("statusText").asText()).isEqualTo("success");
      }
    });
  }

  @Test
  void a_message_given_up_on_releases_the_next_one() {
    boot("0.1,0.1", "\"ordering\":\"subject\"");
    receiver.onHeader("webhook-sequence", "1").respond(503);
    String first = send("order-a", 1);
    String second = send("order-a", 2);
    String third = send("order-a", 3);

    await().atMost(Duration.ofSeconds(10)).until(() -> receiver.requests().size() == 5);
    assertThat(receiver.requests()).extracting(r -> r.header("webhook-sequence"))
        .containsExactly("1", "1", "1", "2", "3");
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
      assertThat(state(first).path("statusText").asText()).isEqualTo("fail");
      assertThat(state(second).path("statusText").asText()).isEqualTo("success");
      assertThat(state(third).path("statusText").asText()).isEqualTo("success");
    });
  }

  @Test
  void parked_messages_survive_a_restart_and_still_go_out_in_sequence() {
    boot("0.3,0.3,0.3,0.3,0.3,0.3,0.3,0.3", "\"ordering\":\"subject\"");
    receiver.onHeader("webhook-subject", "order-a").respond(500);
    String first = send("order-a", 1);
    String second = send("order-a", 2);
    receiver.awaitCount(1, Duration.ofSeconds(5));

    herald.restart();
    assertThat(state(second).path("statusText").asText()).isEqualTo("pending");
    receiver.onHeader("webhook-subject", "order-a").respond(200);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      assertThat(state(first).path("statusText").asText()).isEqualTo("success");
      assertThat(state(second).path("statusText").asText()).isEqualTo("success");
    });
    List<ReceivedRequest> got = receiver.requests();
    assertThat(got.get(got.size() - 1).header("webhook-sequence")).isEqualTo("2");
    assertThat(got).filteredOn(r -> "2".equals(r.header("webhook-sequence"))).hasSize(1);
  }

  @Test
  void without_ordering_a_failing_message_does_not_hold_back_the_next() {
    boot("0.5,0.5", "\"ordering\":\"none\"");
    receiver.onHeader("webhook-sequence", "1").respond(500).times(2).thenRespond(200);
    send("order-a", 1);
    send("order-a", 2);

    List<ReceivedRequest> got = receiver.awaitCount(2, Duration.ofSeconds(5));
    assertThat(got).extracting(r -> r.header("webhook-sequence")).containsExactly("1", "2");
    receiver.awaitCount(4, Duration.ofSeconds(5));
  }

  @Test
  void recovered_messages_of_a_subject_go_out_again_in_sequence() {
    boot("", "\"ordering\":\"subject\"");
    receiver.onHeader("webhook-subject", "order-a").respond(500);
    send("order-a", 1);
    send("order-a", 2);
    send("order-a", 3);
    await().atMost(Duration.ofSeconds(5)).until(() -> receiver.requests().size() == 3);
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(
        herald.get("/api/v1/app/acme/endpoint/" + endpoint + "/msg?status=2").json().path("data")).hasSize(3));

    receiver.onHeader("webhook-subject", "order-a").delay(Duration.ofMillis(100)).respond(200);
    var recovered = herald.post("/api/v1/app/acme/endpoint/" + endpoint + "/recover",
        "{\"since\":\"" + java.time.Instant.now().minusSeconds(60) + "\"}");
    assertThat(recovered.json().path("recovered").asInt()).isEqualTo(3);

    await().atMost(Duration.ofSeconds(5)).until(() -> receiver.requests().size() == 6);
    assertThat(receiver.requests().subList(3, 6)).extracting(r -> r.header("webhook-sequence"))
        .containsExactly("1", "2", "3");
  }

  @Test
  void a_recovery_of_more_than_one_chunk_sends_each_subject_again_once_in_sequence() {
    boot("", "\"ordering\":\"subject\"");
    receiver.on("/hook").respond(500);
    int perSubject = AttemptRepository.RECOVER_CHUNK / 3 + 20; // three subjects: two chunks, the second one partial
    List<String> subjects = List.of("order-a", "order-b", "order-c");
    for (int n = 1; n <= perSubject; n++) {
      for (String subject : subjects) {
        send(subject, n);
      }
    }
    int total = subjects.size() * perSubject;
    await().atMost(Duration.ofSeconds(30)).until(() -> receiver.requests().size() == total);
    await().atMost(Duration.ofSeconds(5)).until(() -> herald.get("/api/v1/app/acme/endpoint/" + endpoint
        + "/msg?status=1").json().path("data").isEmpty());

    receiver.on("/hook").respond(200);
    var recovered = herald.post("/api/v1/app/acme/endpoint/" + endpoint + "/recover",
        "{\"since\":\"" + java.time.Instant.now().minusSeconds(120) + "\"}");
    assertThat(recovered.json().path("recovered").asInt()).isEqualTo(total);

    await().atMost(Duration.ofSeconds(30)).until(() -> receiver.requests().size() == 2 * total);
    List<ReceivedRequest> again = receiver.requests().subList(total, 2 * total);
    List<String> inOrder = new ArrayList<>();
    for (int n = 1; n <= perSubject; n++) {
      inOrder.add(String.valueOf(n));
    }
    for (String subject : subjects) {
      assertThat(of(again, subject)).as(subject).extracting(r -> r.header("webhook-sequence"))
          .containsExactlyElementsOf(inOrder);
    }
  }
}
