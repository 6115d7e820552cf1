package io.herald.server.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.standardwebhooks.Webhook;
import io.herald.server.message.FanOut;
import io.herald.server.testing.ReceivedRequest;
import io.herald.server.testing.ScriptedReceiver;
import io.herald.server.testing.TestServer;
import java.net.http.HttpHeaders;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DeliveryFlowTest {
  ScriptedReceiver receiver;
  TestServer herald;
  String app;

  @BeforeEach
  void start() {
    receiver = ScriptedReceiver.start();
    herald = TestServer.start(storeSettings());
    app = herald.post("/api/v1/app", "{\"name\":\"Acme\",\"uid\":\"acme\"}").field("id");
  }

  /** The store under test; {@link PostgresDeliveryFlowTest} runs the same flows on PostgreSQL. */
  protected Map<String, String> storeSettings() {
    return Map.of();
  }

  @AfterEach
  void stop() {
    herald.close();
    receiver.close();
  }

  String endpoint(String path, String extraJson) {
    var r = herald.post("/api/v1/app/acme/endpoint",
        "{\"url\":\"" + receiver.url(path) + "\"" + extraJson + "}");
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.field("id");
  }

  @Test
  void a_message_arrives_signed_with_the_exact_payload_bytes() throws Exception {
    String ep = endpoint("/hook", "");
    String secret = herald.get("/api/v1/app/acme/endpoint/" + ep + "/secret").field("key");
    String payload = "{\"test\": 2432232314,   \"z\":1, \"a\" : [1.50, \"\\u00e9\"]}";

    var sent = herald.post("/api/v1/app/acme/msg", "{\"eventType\":\"order.created\",\"payload\":" + payload + "}");
    assertThat(sent.status()).as(sent.toString()).isEqualTo(202);
    String msgId = sent.field("id");

    ReceivedRequest req = receiver.awaitCount(1, Duration.ofSeconds(10)).get(0);
    assertThat(req.method()).isEqualTo("POST");
    assertThat(req.bodyText()).isEqualTo(payload);
    assertThat(req.header("content-type")).startsWith("application/json");
    assertThat(req.header("user-agent")).startsWith("Herald/");
    assertThat(req.header("accept-encoding")).as("the response is only a diagnostic: nothing to decompress").isNull();
    assertThat(req.header("webhook-id")).isEqualTo(msgId);
    HttpHeaders headers = HttpHeaders.of(Map.of(
        "webhook-id", List.of(req.header("webhook-id")),
        "webhook-timestamp", List.of(req.header("webhook-timestamp")),
        "webhook-signature", List.of(req.header("webhook-signature"))), (a, b) -> true);
    new Webhook(secret).verify(req.bodyText(), headers);

    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
      var attempts = herald.get("/api/v1/app/acme/attempt/msg/" + msgId).json();
      assertThat(attempts.path("data")).hasSize(1);
      assertThat(attempts.path("data").get(0).path("status").asInt()).isZero();
      assertThat(attempts.path("data").get(0).path("responseStatusCode").asInt()).isEqualTo(200);
    });
  }

  @Test
  void a_failing_receiver_is_retried_until_it_succeeds_with_the_same_id_and_body() {
    receiver.on("/flaky").respond(500).times(2).thenRespond(200);
    endpoint("/flaky", "");
    String msgId = herald.post("/api/v1/app/acme/msg", "{\"eventType\":\"a\",\"payload\":{\"n\":1}}").field("id");

    List<ReceivedRequest> got = receiver.awaitCount(3, Duration.ofSeconds(10));
    assertThat(got).extracting(r -> r.header("webhook-id")).containsOnly(msgId);
    assertThat(got).extracting(ReceivedRequest::bodyText).containsOnly("{\"n\":1}");
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
      var states = herald.get("/api/v1/app/acme/msg/" + msgId + "/endpoint").json().path("data");
      assertThat(states.get(0).path("statusText").asText()).isEqualTo("success");
    });
    // The first attempt is kept in the delivery's row, the retries in the attempt table: one list, newest first.
    var byMessage = herald.get("/api/v1/app/acme/attempt/msg/" + msgId).json().path("data");
    assertThat(byMessage.findValuesAsText("responseStatusCode")).containsExactly("200", "500", "500");
    assertThat(byMessage.findValuesAsText("id")).doesNotHaveDuplicates()
        .isSortedAccordingTo(java.util.Comparator.reverseOrder());
    String ep = byMessage.get(0).path("endpointId").asText();
    assertThat(herald.get("/api/v1/app/acme/attempt/endpoint/" + ep).json().path("data").findValuesAsText("id"))
        .isEqualTo(byMessage.findValuesAsText("id"));
    String first = byMessage.get(2).path("id").asText();
    assertThat(herald.get("/api/v1/app/acme/msg/" + msgId + "/attempt/" + first).json().path("responseStatusCode")
        .asInt()).isEqualTo(500);
  }

  @Test
  void an_exhausted_schedule_ends_the_delivery_as_failed() {
    receiver.on("/down").respond(503);
    endpoint("/down", "");
    String msgId = herald.post("/api/v1/app/acme/msg", "{\"eventType\":\"a\",\"payload\":{}}").field("id");

    receiver.awaitCount(4, Duration.ofSeconds(10)); // the first try and three retries
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
      var states = herald.get("/api/v1/app/acme/msg/" + msgId + "/endpoint").json().path("data");
      assertThat(states.get(0).path("statusText").asText()).isEqualTo("fail");
    });
    assertThat(receiver.requests()).hasSize(4);
  }

  @Test
  void gone_disables_the_endpoint() {
    receiver.on("/gone").respond(410);
    String ep = endpoint("/gone", "");
    herald.post("/api/v1/app/acme/msg", "{\"eventType\":\"a\",\"payload\":{}}");

    await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
        assertThat(herald.get("/api/v1/app/acme/endpoint/" + ep).json().path("disabled").asBoolean()).isTrue());
    herald.post("/api/v1/app/acme/msg", "{\"eventType\":\"a\",\"payload\":{}}");
    assertThat(receiver.requests()).hasSize(1);
  }

  /**
   * Messages posted at once share commits, and their rows go to the store as one batch (`GroupOp`): each
   * delivery must still be sent once and its outcome recorded on its own row, which is what leaves every delivery of
   * every message marked delivered (a row whose outcome went to another would stay pending until its lease expired).
   */
  @Test
  void messages_accepted_together_are_each_delivered_once_and_recorded_on_their_own_deliveries() throws Exception {
    endpoint("/a", "");
    endpoint("/b", "");
    int messages = 24;
    List<String> ids = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    try (var pool = java.util.concurrent.Executors.newFixedThreadPool(8)) {
      for (int i = 0; i < messages; i++) {
        pool.submit(() -> ids.add(herald.post("/api/v1/app/acme/msg",
            "{\"eventType\":\"order.created\",\"payload\":{}}").field("id")));
      }
    }
    assertThat(ids).hasSize(messages).doesNotHaveDuplicates();

    receiver.awaitCount(2 * messages, Duration.ofSeconds(20));
    for (String path : List.of("/a", "/b")) {
      assertThat(receiver.requestsTo(path)).extracting(r -> r.header("webhook-id"))
          .containsExactlyInAnyOrderElementsOf(ids);
    }
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      for (String id : ids) {
        var states = herald.get("/api/v1/app/acme/msg/" + id + "/endpoint").json().path("data");
        assertThat(states).hasSize(2);
        assertThat(states).allSatisfy(s -> assertThat(s.path("status").asInt()).as("delivered").isZero());
      }
    });
  }

  @Test
  void filter_types_and_channels_choose_the_endpoints() {
    endpoint("/orders", ",\"filterTypes\":[\"order.created\"]");
    endpoint("/eu", ",\"channels\":[\"eu\"]");
    endpoint("/all", "");

    herald.post("/api/v1/app/acme/msg", "{\"eventType\":\"order.created\",\"payload\":{}}");
    herald.post("/api/v1/app/acme/msg", "{\"eventType\":\"user.deleted\",\"payload\":{},\"channels\":[\"eu\"]}");

    receiver.awaitCount(4, Duration.ofSeconds(10));
    assertThat(receiver.requestsTo("/orders")).hasSize(1);
    assertThat(receiver.requestsTo("/eu")).hasSize(1);
    assertThat(receiver.requestsTo("/all")).hasSize(2);
  }

  /**
   * Past {@link FanOut#INLINE_MAX} matching endpoints a message's deliveries are created after it is accepted, a
   * chunk per transaction: with more endpoints than one chunk holds, every one of them still gets the message once,
   * and endpoints whose filter does not match get nothing.
   */
  @Test
  void a_message_to_more_endpoints_than_a_chunk_reaches_each_of_them_once() {
    int n = FanOut.CHUNK + 12;
    for (int i = 0; i < n; i++) {
      endpoint("/fan/" + i, "");
    }
    endpoint("/filtered", ",\"filterTypes\":[\"something.else\"]");

    var sent = herald.post("/api/v1/app/acme/msg", "{\"eventType\":\"order.created\",\"payload\":{\"n\":1}}");
    assertThat(sent.status()).as(sent.toString()).isEqualTo(202);
    String msgId = sent.field("id");

    List<ReceivedRequest> got = receiver.awaitCount(n, Duration.ofSeconds(20));
    assertThat(got).extracting(r -> r.header("webhook-id")).containsOnly(msgId);
    assertThat(got).extracting(ReceivedRequest::pathWithoutQuery).doesNotHaveDuplicates().doesNotContain("/filtered");
    assertThat(got).hasSize(n);
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(
        herald.get("/api/v1/app/acme/msg/" + msgId + "/endpoint?limit=250").json().path("data")).hasSize(n));
    assertThat(receiver.requests()).hasSize(n);
  }

  /**
   * Fan-outs queued back to back: the background thread writes a message's next chunk (or the next message's first)
   * while it sends the chunk just committed. Every message still reaches every endpoint once, none is skipped at the
   * hand-over from one message to the next.
   */
  @Test
  void messages_fanned_out_back_to_back_each_reach_every_endpoint_once() {
    int n = FanOut.CHUNK + 12;
    int messages = 4;
    for (int i = 0; i < n; i++) {
      endpoint("/fan/" + i, "");
    }
    List<String> sent = new ArrayList<>();
    for (int m = 0; m < messages; m++) {
      var r = herald.post("/api/v1/app/acme/msg", "{\"eventType\":\"order.created\",\"payload\":{\"n\":" + m + "}}");
      assertThat(r.status()).as(r.toString()).isEqualTo(202);
      sent.add(r.field("id"));
    }

    List<ReceivedRequest> got = receiver.awaitCount(n * messages, Duration.ofSeconds(30));
    assertThat(got).hasSize(n * messages);
    assertThat(got).extracting(r -> r.header("webhook-id") + " " + r.pathWithoutQuery()).doesNotHaveDuplicates();
    for (String msgId : sent) {
      assertThat(got).filteredOn(r -> msgId.equals(r.header("webhook-id"))).as(msgId).hasSize(n);
    }
  }

  @Test
  void a_recovery_of_more_than_one_chunk_sends_each_failed_message_again_once() {
    herald.close();
    herald = TestServer.start(storeSettings(), Map.of("HERALD_RETRY_SCHEDULE", ""));
    herald.post("/api/v1/app", "{\"name\":\"Acme\",\"uid\":\"acme\"}");
    receiver.on("/down").respond(503);
    String ep = endpoint("/down", "");
    int n = AttemptRepository.RECOVER_CHUNK + 7; // a full chunk and a partial one
    for (int i = 0; i < n; i++) {
      assertThat(herald.post("/api/v1/app/acme/msg", "{\"eventType\":\"order.created\",\"payload\":{}}").status())
          .isEqualTo(202);
    }
    receiver.awaitCount(n, Duration.ofSeconds(30));
    await().atMost(Duration.ofSeconds(10)).until(() -> herald.get("/api/v1/app/acme/endpoint/" + ep
        + "/msg?status=1").json().path("data").isEmpty());

    receiver.on("/down").respond(200);
    var recovered = herald.post("/api/v1/app/acme/endpoint/" + ep + "/recover",
        "{\"since\":\"" + java.time.Instant.now().minusSeconds(120) + "\"}");
    assertThat(recovered.status()).isEqualTo(202);
    assertThat(recovered.json().path("recovered").asInt()).isEqualTo(n);

    List<ReceivedRequest> all = receiver.awaitCount(2 * n, Duration.ofSeconds(30));
    List<String> failed = all.subList(0, n).stream().map(r -> r.header("webhook-id")).toList();
    assertThat(all.subList(n, all.size())).extracting(r -> r.header("webhook-id"))
        .doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(failed);
    // Called again (as after a recovery cut short): nothing is failed any more, so nothing is sent twice.
    assertThat(herald.post("/api/v1/app/acme/endpoint/" + ep + "/recover",
        "{\"since\":\"" + java.time.Instant.now().minusSeconds(120) + "\"}").json().path("recovered").asInt())
        .isZero();
    assertThat(receiver.requests()).hasSize(2 * n);
  }
}
