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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code progress: "latest"}: a backlog of progress events collapses to the newest one. */
class LatestProgressTest {
  ScriptedReceiver receiver = ScriptedReceiver.start();
  TestServer herald;
  String endpoint;

  /** The store under test; {@link PostgresLatestProgressTest} runs the same tests on PostgreSQL. */
  protected Map<String, String> store() {
    return Map.of();
  }

  @BeforeEach
  void start() {
    herald = TestServer.start(store(), Map.of("HERALD_RETRY_SCHEDULE", "0.5,0.5,0.5,0.5"));
    herald.post("/api/v1/app", "{\"name\":\"Acme\",\"uid\":\"acme\"}");
    herald.post("/api/v1/event-type", "{\"name\":\"job.started\",\"description\":\"\"}");
    herald.post("/api/v1/event-type", "{\"name\":\"job.progress\",\"description\":\"\",\"lifecycle\":\"progress\"}");
    herald.post("/api/v1/event-type", "{\"name\":\"job.completed\",\"description\":\"\",\"lifecycle\":\"terminal\"}");
    var ep = herald.post("/api/v1/app/acme/endpoint", "{\"url\":\"" + receiver.url("/hook")
        + "\",\"ordering\":\"subject\",\"progress\":\"latest\"}");
    assertThat(ep.status()).as(ep.toString()).isEqualTo(201);
    endpoint = ep.field("id");
  }

  @AfterEach
  void stop() {
    herald.close();
    receiver.close();
  }

  String send(String type, String payload) {
    var r = herald.post("/api/v1/app/acme/msg",
        "{\"eventType\":\"" + type + "\",\"subject\":\"job-1\",\"payload\":" + payload + "}");
    assertThat(r.status()).as(r.toString()).isEqualTo(202);
    return r.field("id");
  }

  String statusText(String msgId) {
    return herald.get("/api/v1/app/acme/msg/" + msgId + "/endpoint").json().path("data").get(0)
        .path("statusText").asText();
  }

  @Test
  void a_recovering_receiver_gets_the_newest_progress_not_a_replay_of_every_percent() {
    receiver.onHeader("webhook-sequence", "1").respond(500).times(2).thenRespond(200);
    String started = send("job.started", "{}");
    List<String> progress = new ArrayList<>();
    for (int p = 10; p <= 90; p += 10) {
      progress.add(send("job.progress", "{\"progress\":" + p + "}"));
    }

    await().atMost(Duration.ofSeconds(10)).until(() -> receiver.requests().size() == 4);
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
        assertThat(statusText(progress.get(8))).isEqualTo("success"));
    List<ReceivedRequest> got = receiver.requests();
    assertThat(got).extracting(r -> r.header("webhook-sequence")).containsExactly("1", "1", "1", "10");
    assertThat(got.get(3).bodyText()).isEqualTo("{\"progress\":90}");
    assertThat(statusText(started)).isEqualTo("success");
    for (String skipped : progress.subList(0, 8)) {
      assertThat(statusText(skipped)).isEqualTo("skipped");
    }
    JsonNode listed = herald.get("/api/v1/app/acme/endpoint/" + endpoint + "/msg?status=4").json().path("data");
    assertThat(listed).hasSize(8);
    assertThat(listed.get(0).path("statusText").asText()).isEqualTo("skipped");
    JsonNode stats = herald.get("/api/v1/app/acme/endpoint/" + endpoint + "/stats").json();
    assertThat(stats.path("skipped").asInt()).isEqualTo(8);
    assertThat(stats.path("canceled").asInt()).isEqualTo(8);
    assertThat(stats.path("success").asInt()).isEqualTo(2);
    assertThat(herald.get("/api/v1/app/acme/attempt/msg/" + progress.get(3)).json().path("data")).isEmpty();
  }

  @Test
  void a_terminal_event_supersedes_the_progress_queued_before_it() {
    receiver.onHeader("webhook-sequence", "1").respond(500).thenRespond(200);
    send("job.started", "{}");
    String p25 = send("job.progress", "{\"progress\":25}");
    String p50 = send("job.progress", "{\"progress\":50}");
    String done = send("job.completed", "{\"rows\":1000}");

    await().atMost(Duration.ofSeconds(10)).until(() -> receiver.requests().size() == 3);
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(statusText(done)).isEqualTo("success"));
    assertThat(receiver.requests()).extracting(r -> r.header("webhook-event-type"))
        .containsExactly("job.started", "job.started", "job.completed");
    assertThat(statusText(p25)).isEqualTo("skipped");
    assertThat(statusText(p50)).isEqualTo("skipped");
  }

  @Test
  void a_failing_progress_event_is_not_retried_once_a_newer_one_waits() {
    receiver.onHeader("webhook-sequence", "1").respond(500);
    String stale = send("job.progress", "{\"progress\":10}");
    String newer = send("job.progress", "{\"progress\":20}");

    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
      assertThat(statusText(stale)).isEqualTo("skipped");
      assertThat(statusText(newer)).isEqualTo("success");
    });
    List<ReceivedRequest> got = receiver.requests();
    assertThat(got.get(got.size() - 1).bodyText()).isEqualTo("{\"progress\":20}");
    assertThat(got).hasSizeLessThanOrEqualTo(3); // at most one retry of the stale event, before the newer one existed
  }

  @Test
  void progress_events_are_all_delivered_when_nothing_is_backed_up() {
    for (int p = 1; p <= 3; p++) {
      send("job.progress", "{\"progress\":" + p + "}");
      int expected = p;
      await().atMost(Duration.ofSeconds(5)).until(() -> receiver.requests().size() == expected);
    }
    assertThat(receiver.requests()).extracting(ReceivedRequest::bodyText)
        .containsExactly("{\"progress\":1}", "{\"progress\":2}", "{\"progress\":3}");
  }
}
