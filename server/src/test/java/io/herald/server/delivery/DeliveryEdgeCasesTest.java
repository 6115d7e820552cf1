package io.herald.server.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.herald.server.testing.ReceivedRequest;
import io.herald.server.testing.ScriptedReceiver;
import io.herald.server.testing.TestServer;
import io.herald.signature.WebhookSecret;
import io.herald.signature.WebhookVerifier;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sqlite.SQLiteConfig;

/** How Herald copes with receivers that misbehave, and with the per-endpoint options. */
class DeliveryEdgeCasesTest {
  ScriptedReceiver receiver = ScriptedReceiver.start();
  TestServer herald;

  @AfterEach
  void stop() {
    if (herald != null) {
      herald.close();
    }
    receiver.close();
  }

  void boot(Map<String, String> settings) {
    herald = TestServer.start(settings);
    herald.post("/api/v1/app", "{\"name\":\"Acme\",\"uid\":\"acme\"}");
  }

  String endpoint(String path) {
    return herald.post("/api/v1/app/acme/endpoint", "{\"url\":\"" + receiver.url(path) + "\"}").field("id");
  }

  String send() {
    return herald.post("/api/v1/app/acme/msg", "{\"eventType\":\"e\",\"payload\":{\"k\":\"v\"}}").field("id");
  }

  JsonNode attemptsOf(String msgId) {
    return herald.get("/api/v1/app/acme/attempt/msg/" + msgId).json().path("data");
  }

  @Test
  void a_redirect_is_a_failure_and_is_not_followed() {
    boot(Map.of("HERALD_RETRY_SCHEDULE", ""));
    receiver.on("/moved").redirectTo(receiver.url("/elsewhere"));
    endpoint("/moved");
    String msg = send();
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
      assertThat(attemptsOf(msg)).hasSize(1);
      assertThat(attemptsOf(msg).get(0).path("responseStatusCode").asInt()).isEqualTo(302);
      assertThat(attemptsOf(msg).get(0).path("status").asInt()).isEqualTo(2);
    });
    assertThat(receiver.requestsTo("/elsewhere")).isEmpty();
  }

  @Test
  void a_hanging_receiver_times_out_and_other_endpoints_keep_flowing() {
    boot(Map.of("HERALD_RETRY_SCHEDULE", "", "HERALD_DELIVERY_TIMEOUT_SECONDS", "1"));
    receiver.on("/hang").hang();
    endpoint("/hang");
    endpoint("/ok");
    String msg = send();
    receiver.awaitCount(2, Duration.ofSeconds(5));
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
      JsonNode attempts = attemptsOf(msg);
      assertThat(attempts).hasSize(2);
      assertThat(attempts.findValuesAsText("response")).anyMatch(r -> r.contains("timed out"));
    });
  }

  @Test
  void a_slow_body_is_cut_off_by_the_total_deadline() {
    boot(Map.of("HERALD_RETRY_SCHEDULE", "", "HERALD_DELIVERY_TIMEOUT_SECONDS", "1"));
    receiver.on("/dribble").dribbleBody(200, 100, Duration.ofMillis(100));
    endpoint("/dribble");
    String msg = send();
    await().atMost(Duration.ofSeconds(6)).untilAsserted(() -> {
      assertThat(attemptsOf(msg)).hasSize(1);
      assertThat(attemptsOf(msg).get(0).path("status").asInt()).isEqualTo(2);
      assertThat(attemptsOf(msg).get(0).path("responseDurationMs").asLong()).isBetween(900L, 3000L);
    });
  }

  @Test
  void a_reset_connection_is_retried() {
    boot(Map.of("HERALD_RETRY_SCHEDULE", "0.1"));
    receiver.on("/reset").reset().thenRespond(200);
    endpoint("/reset");
    String msg = send();
    receiver.awaitCount(2, Duration.ofSeconds(5));
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
      JsonNode attempts = attemptsOf(msg);
      assertThat(attempts).hasSize(2);
      assertThat(attempts.get(1).path("responseStatusCode").asInt()).isZero(); // oldest last: the reset
      assertThat(attempts.get(0).path("status").asInt()).isZero();
    });
  }

  @Test
  void retry_after_pushes_the_next_attempt_later() {
    boot(Map.of("HERALD_RETRY_SCHEDULE", "0.5"));
    receiver.on("/busy").respondWithHeader(429, "Retry-After", "1").thenRespond(200);
    endpoint("/busy");
    send();
    List<ReceivedRequest> got = receiver.awaitCount(2, Duration.ofSeconds(5));
    Duration gap = Duration.between(got.get(0).receivedAt(), got.get(1).receivedAt());
    assertThat(gap).isBetween(Duration.ofMillis(950), Duration.ofMillis(1500));
  }

  @Test
  void a_huge_response_is_kept_truncated() {
    boot(Map.of());
    receiver.on("/huge").hugeBody(200, 5_000_000);
    endpoint("/huge");
    String msg = send();
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      assertThat(attemptsOf(msg)).hasSize(1);
      assertThat(attemptsOf(msg).get(0).path("response").asText().length()).isLessThanOrEqualTo(20_000);
      assertThat(attemptsOf(msg).get(0).path("status").asInt()).isZero();
    });
  }

  @Test
  void after_a_rotation_deliveries_carry_old_and_new_signatures() throws Exception {
    boot(Map.of());
    String ep = endpoint("/rotate");
    String oldKey = herald.get("/api/v1/app/acme/endpoint/" + ep + "/secret").field("key");
    assertThat(herald.post("/api/v1/app/acme/endpoint/" + ep + "/secret/rotate", "{}").status()).isEqualTo(204);
    String newKey = herald.get("/api/v1/app/acme/endpoint/" + ep + "/secret").field("key");
    assertThat(newKey).isNotEqualTo(oldKey);
    send();
    ReceivedRequest req = receiver.awaitCount(1, Duration.ofSeconds(5)).get(0);
    assertThat(req.header("webhook-signature").split(" ")).hasSize(2);
    for (String key : List.of(oldKey, newKey)) {
      WebhookVerifier.of(WebhookSecret.parse(key)).verify(req.headers(), req.body());
    }
  }

  @Test
  void an_expired_grace_period_drops_the_old_signature() {
    boot(Map.of());
    String ep = endpoint("/rotate");
    herald.post("/api/v1/app/acme/endpoint/" + ep + "/secret/rotate", "{\"gracePeriodSeconds\":0}");
    send();
    assertThat(receiver.awaitCount(1, Duration.ofSeconds(5)).get(0).header("webhook-signature").split(" ")).hasSize(1);
  }

  @Test
  void svix_header_names_and_custom_headers_are_sent() throws Exception {
    boot(Map.of("HERALD_SIGNATURE_HEADERS", "svix"));
    String ep = endpoint("/svix");
    assertThat(herald.put("/api/v1/app/acme/endpoint/" + ep + "/headers",
        "{\"headers\":{\"X-Client-Id\":\"acme\",\"Authorization\":\"Bearer t0ken\"}}").status()).isEqualTo(204);
    String key = herald.get("/api/v1/app/acme/endpoint/" + ep + "/secret").field("key");
    send();
    ReceivedRequest req = receiver.awaitCount(1, Duration.ofSeconds(5)).get(0);
    assertThat(req.header("svix-id")).startsWith("msg_");
    assertThat(req.header("webhook-id")).isNull();
    assertThat(req.header("x-client-id")).isEqualTo("acme");
    assertThat(req.header("authorization")).isEqualTo("Bearer t0ken");
    WebhookVerifier.of(WebhookSecret.parse(key)).verify(req.headers(), req.body());
    JsonNode shown = herald.get("/api/v1/app/acme/endpoint/" + ep + "/headers").json();
    assertThat(shown.path("headers").has("Authorization")).isFalse();
    assertThat(shown.path("sensitive").get(0).asText()).isEqualTo("Authorization");
  }

  /**
   * A receiver's Set-Cookie is never sent back: the delivery client is shared by every tenant, so a cookie one
   * tenant's receiver set would otherwise reach another tenant's endpoint on the same host.
   */
  @Test
  void cookies_a_receiver_sets_are_not_sent_to_it_or_to_other_tenants() {
    boot(Map.of());
    herald.post("/api/v1/app", "{\"name\":\"Other\",\"uid\":\"other\"}");
    receiver.on("/sets").respondWithHeader(200, "Set-Cookie", "session=acme-secret; Path=/");
    receiver.on("/other").respond(200);
    endpoint("/sets");
    herald.post("/api/v1/app/other/endpoint", "{\"url\":\"" + receiver.url("/other") + "\"}");
    send();
    receiver.awaitCount(1, Duration.ofSeconds(5));
    send();
    herald.post("/api/v1/app/other/msg", "{\"eventType\":\"e\",\"payload\":{}}");
    List<ReceivedRequest> got = receiver.awaitCount(3, Duration.ofSeconds(5));
    assertThat(got).hasSize(3);
    assertThat(got).allSatisfy(r -> assertThat(r.header("cookie")).as(r.path()).isNull());
  }

  @Test
  void resend_and_recover_send_failed_messages_again_once() {
    boot(Map.of("HERALD_RETRY_SCHEDULE", ""));
    receiver.on("/later").respond(500);
    String ep = endpoint("/later");
    String first = send();
    String second = send();
    receiver.awaitCount(2, Duration.ofSeconds(5));
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(
        herald.get("/api/v1/app/acme/endpoint/" + ep + "/msg?status=2").json().path("data")).hasSize(2));

    receiver.on("/later").respond(200);
    assertThat(herald.post("/api/v1/app/acme/msg/" + first + "/endpoint/" + ep + "/resend", "").status()).isEqualTo(202);
    receiver.awaitCount(3, Duration.ofSeconds(5));
    var recovered = herald.post("/api/v1/app/acme/endpoint/" + ep + "/recover",
        "{\"since\":\"" + Instant.now().minusSeconds(60) + "\"}");
    assertThat(recovered.status()).isEqualTo(202);
    receiver.awaitCount(4, Duration.ofSeconds(5));
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
      assertThat(herald.get("/api/v1/app/acme/endpoint/" + ep + "/msg?status=0").json().path("data")).hasSize(2);
      assertThat(attemptsOf(second).get(0).path("triggerType").asInt()).isEqualTo(1);
    });
    assertThat(receiver.requests()).hasSize(4);
  }

  @Test
  void a_pending_delivery_whose_content_was_deleted_ends_as_failed() {
    boot(Map.of("HERALD_RETRY_SCHEDULE", "0.5,0.5"));
    receiver.on("/fails").respond(500);
    endpoint("/fails");
    String msg = send();
    receiver.awaitCount(1, Duration.ofSeconds(5));
    assertThat(herald.delete("/api/v1/app/acme/msg/" + msg + "/content").status()).isEqualTo(204);
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(
        herald.get("/api/v1/app/acme/msg/" + msg + "/endpoint").json().path("data").get(0).path("statusText").asText())
        .isEqualTo("fail"));
    assertThat(receiver.requests()).hasSize(1);
  }

  @Test
  void a_graceful_stop_finishes_attempts_in_flight_and_records_them() {
    boot(Map.of());
    receiver.on("/slow").delay(Duration.ofMillis(800)).respond(200);
    endpoint("/slow");
    String msg = send();
    receiver.awaitCount(1, Duration.ofSeconds(5)); // the attempt is in flight: the answer comes 800 ms later

    herald.restart(); // close() waits for it, then opens the same data directory again

    var attempts = attemptsOf(msg);
    assertThat(attempts).hasSize(1);
    assertThat(attempts.get(0).path("status").asInt()).isZero();
    assertThat(herald.get("/api/v1/app/acme/msg/" + msg + "/endpoint").json().path("data").get(0)
        .path("statusText").asText()).isEqualTo("success");
    assertThat(receiver.requests()).as("not sent again after the restart").hasSize(1);
  }

  /**
   * An endpoint's {@code throttleRate} (Svix's name; {@code rateLimit} is accepted too) caps its attempts per second.
   * 30 messages to an endpoint throttled at 20/s cannot all arrive in less than (30 - 2) / 20 = 1.4 s (2 is the burst,
   * a tenth of a second's worth); unthrottled they arrive within milliseconds of each other.
   */
  @Test
  void a_throttled_endpoint_gets_no_more_than_its_rate() {
    boot(Map.of());
    TestServer.Reply ep = herald.post("/api/v1/app/acme/endpoint",
        "{\"url\":\"" + receiver.url("/slowly") + "\",\"throttleRate\":20}");
    assertThat(ep.status()).as(ep.toString()).isEqualTo(201);
    receiver.on("/slowly").respond(200);
    for (int i = 0; i < 30; i++) {
      send();
    }
    List<ReceivedRequest> got = receiver.awaitCount(30, Duration.ofSeconds(20)).stream()
        .sorted(Comparator.comparing(ReceivedRequest::receivedAt)).toList();
    assertThat(got).hasSize(30);
    Map<String, Long> perMessage = got.stream()
        .collect(Collectors.groupingBy(r -> r.header("webhook-id"), HashMap::new, Collectors.counting()));
    assertThat(perMessage.values()).as("each message once").hasSize(30).allMatch(n -> n == 1);
    Duration spread = Duration.between(got.get(0).receivedAt(), got.get(29).receivedAt());
    assertThat(spread).as("30 attempts at 20/s").isGreaterThanOrEqualTo(Duration.ofMillis(1_200));
    for (int i = 10; i < 30; i++) {
      Duration window = Duration.between(got.get(i - 10).receivedAt(), got.get(i).receivedAt());
      assertThat(window).as("any 11 consecutive attempts span at least 10 intervals minus the burst")
          .isGreaterThanOrEqualTo(Duration.ofMillis(250));
    }
  }

  /**
   * An endpoint's concurrency cap counts the requests it has not answered, not outcomes still being written: a slow
   * commit must not hold back the endpoint's next request. With one attempt at a time, the second message goes out
   * while the first one's outcome waits for the store, whose write lock another connection holds here. (When the
   * slot was freed only after the commit, the second request waited for the lock.) Once the lock is let go, both
   * outcomes are recorded, and nothing is sent twice.
   */
  @Test
  void the_next_request_goes_out_while_the_previous_outcome_waits_for_its_commit() throws Exception {
    boot(Map.of("HERALD_MAX_IN_FLIGHT_PER_ENDPOINT", "1", "HERALD_RETRY_SCHEDULE", ""));
    endpoint("/one-at-a-time");
    receiver.on("/one-at-a-time").delay(Duration.ofMillis(500)).respond(200);
    String first = send();
    String second = send();
    SQLiteConfig immediate = new SQLiteConfig();
    immediate.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
    try (Connection lock = immediate.createConnection("jdbc:sqlite:" + herald.dataDir().resolve("herald.db"))) {
      lock.setAutoCommit(false); // BEGIN IMMEDIATE: Herald's writer now waits for this connection
      List<ReceivedRequest> both = receiver.awaitCount(2, Duration.ofSeconds(3));
      assertThat(both).as("both requests while the first outcome cannot be written").hasSize(2);
      assertThat(attemptsOf(first)).as("nothing was recorded while the store was locked").isEmpty();
      lock.rollback();
    }
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
      assertThat(attemptsOf(first)).hasSize(1);
      assertThat(attemptsOf(second)).hasSize(1);
    });
    assertThat(receiver.requestsTo("/one-at-a-time")).as("each message once").hasSize(2);
  }
}
