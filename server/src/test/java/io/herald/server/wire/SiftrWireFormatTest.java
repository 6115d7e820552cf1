package io.herald.server.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.herald.server.api.Json;
import io.herald.server.testing.ReceivedRequest;
import io.herald.server.testing.ScriptedReceiver;
import io.herald.server.testing.TestServer;
import io.herald.signature.WebhookSecret;
import io.herald.signature.WebhookVerifier;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Seed 000, Siftr's order data events: {"event", "data"} bodies, a STARTED, PROGRESS, COMPLETED (or FAILED) flow per
 * order, and "ignore any events after COMPLETED", here enforced by Herald before anything is sent.
 */
class SiftrWireFormatTest {
  static final String ORDER = "xxx-xxxx-xxxx-xxx";

  /** The seed's own example of the COMPLETED event, tabs and all. */
  static final String SEED_COMPLETED = """
      {
      \t"event": "ORDER_DATA_COMPLETED",
      \t"data": {
      \t\t"orderId": "xxx-xxxx-xxxx-xxx",
      \t\t"message": "Order data processing completed",
      \t\t"csvName": "xxx-xxxx-xxxx-xxx.csv",
      \t\t"csvUrl": "https://storage.example.com/orders/data/xxx-xxxx-xxxx-xxx.csv",
      \t\t"expiration": "6h",
      \t\t"stats": {
      \t\t\t"totalProcessed": 1000,
      \t\t\t"totalValidRecords": 100,
      \t\t\t"batchCount": 10,
      \t\t\t"costPerRecord": 0.0,
      \t\t\t"totalCost": 0.0,
      \t\t\t"duration": "100s"
      \t\t}
      \t}
      }""";

  ScriptedReceiver receiver;
  TestServer herald;
  String secret;

  /** The store under test; {@link PostgresSiftrWireFormatTest} runs the same flow on PostgreSQL. */
  protected Map<String, String> store() {
    return Map.of();
  }

  @BeforeEach
  void start() {
    receiver = ScriptedReceiver.start();
    herald = TestServer.start(store(), Map.of());
    herald.post("/api/v1/app", "{\"name\":\"LeadFinder\",\"uid\":\"leadfinder\"}");
    eventType("ORDER_DATA_STARTED", "");
    eventType("ORDER_DATA_PROGRESS", ",\"lifecycle\":\"progress\"");
    eventType("ORDER_DATA_COMPLETED", ",\"lifecycle\":\"terminal\"");
    eventType("ORDER_DATA_FAILED", ",\"lifecycle\":\"terminal\",\"failure\":true");
    var ep = herald.post("/api/v1/app/leadfinder/endpoint", "{\"url\":\"" + receiver.url("/siftr")
        + "\",\"bodyFormat\":\"event-data\",\"ordering\":\"subject\"}");
    assertThat(ep.status()).as(ep.toString()).isEqualTo(201);
    secret = herald.get("/api/v1/app/leadfinder/endpoint/" + ep.field("id") + "/secret").field("key");
  }

  @AfterEach
  void stop() {
    herald.close();
    receiver.close();
  }

  void eventType(String name, String extra) {
    var r = herald.post("/api/v1/event-type", "{\"name\":\"" + name + "\",\"description\":\"Siftr\"" + extra + "}");
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
  }

  TestServer.Reply send(String type, String subject, String data) {
    return herald.post("/api/v1/app/leadfinder/msg",
        "{\"eventType\":\"" + type + "\",\"subject\":\"" + subject + "\",\"payload\":" + data + "}");
  }

  @Test
  void the_order_data_flow_arrives_as_siftr_sends_it_in_sequence_and_nothing_follows_completed() throws Exception {
    String started = "{\"orderId\":\"" + ORDER + "\",\"message\":\"Order data process started\"}";
    String completed = "{\"orderId\":\"" + ORDER + "\",\"message\":\"Order data processing completed\","
        + "\"csvName\":\"" + ORDER + ".csv\",\"csvUrl\":\"https://storage.example.com/orders/data/" + ORDER + ".csv\","
        + "\"expiration\":\"6h\",\"stats\":{\"totalProcessed\":1000,\"totalValidRecords\":100,\"batchCount\":10,"
        + "\"costPerRecord\":0.0,\"totalCost\":0.0,\"duration\":\"100s\"}}";
    assertThat(send("ORDER_DATA_STARTED", ORDER, started).status()).isEqualTo(202);
    for (int p : List.of(25, 50, 75)) {
      assertThat(send("ORDER_DATA_PROGRESS", ORDER,
          "{\"orderId\":\"" + ORDER + "\",\"progress\":" + p + ",\"message\":\"Processing initial data\"}").status())
          .isEqualTo(202);
    }
    String completedId = send("ORDER_DATA_COMPLETED", ORDER, completed).field("id");

    var late = send("ORDER_DATA_PROGRESS", ORDER, "{\"orderId\":\"" + ORDER + "\",\"progress\":99}");
    assertThat(late.status()).isEqualTo(409);
    assertThat(late.detail()).contains("subject '" + ORDER + "' has ended (completed by " + completedId + ")");

    List<ReceivedRequest> got = receiver.awaitCount(5, Duration.ofSeconds(10));
    assertThat(got).extracting(r -> r.header("webhook-sequence")).containsExactly("1", "2", "3", "4", "5");
    assertThat(got).extracting(r -> r.header("webhook-subject")).containsOnly(ORDER);
    assertThat(got).extracting(r -> r.header("webhook-event-type")).containsExactly("ORDER_DATA_STARTED",
        "ORDER_DATA_PROGRESS", "ORDER_DATA_PROGRESS", "ORDER_DATA_PROGRESS", "ORDER_DATA_COMPLETED");
    assertThat(got.get(0).bodyText()).isEqualTo("{\"event\":\"ORDER_DATA_STARTED\",\"data\":" + started + "}");
    assertThat(got.get(1).bodyText()).isEqualTo("{\"event\":\"ORDER_DATA_PROGRESS\",\"data\":{\"orderId\":\"" + ORDER
        + "\",\"progress\":25,\"message\":\"Processing initial data\"}}");
    assertThat(got.get(4).bodyText()).isEqualTo("{\"event\":\"ORDER_DATA_COMPLETED\",\"data\":" + completed + "}");
    assertThat(Json.tree(got.get(4).bodyText())).isEqualTo(Json.tree(SEED_COMPLETED));
    for (ReceivedRequest r : got) {
      assertThat(r.header("content-type")).isEqualTo("application/json");
      WebhookVerifier.of(WebhookSecret.parse(secret)).verify(r.headers(), r.body());
    }

    JsonNode subject = herald.get("/api/v1/app/leadfinder/subject/" + ORDER).json();
    assertThat(subject.path("state").asText()).isEqualTo("completed");
    assertThat(subject.path("lastSequence").asLong()).isEqualTo(5);
    assertThat(subject.path("endedBy").asText()).isEqualTo(completedId);
    assertThat(subject.path("firstEventAt").asText()).isNotEmpty();
    assertThat(herald.get("/api/v1/app/leadfinder/msg?subject=" + ORDER).json().path("data")).hasSize(5);
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(
        herald.get("/api/v1/app/leadfinder/msg/" + completedId + "/endpoint").json().path("data").get(0)
            .path("statusText").asText()).isEqualTo("success"));
    assertThat(receiver.requests()).hasSize(5);
  }

  @Test
  void a_failed_order_ends_its_subject_as_failed_and_refuses_later_events() {
    send("ORDER_DATA_STARTED", "order-2", "{\"orderId\":\"order-2\",\"message\":\"Order data process started\"}");
    String failed = "{\"orderId\":\"order-2\",\"message\":\"Order data processing failed\","
        + "\"error\":\"Failed to process order data: database connection error\"}";
    assertThat(send("ORDER_DATA_FAILED", "order-2", failed).status()).isEqualTo(202);

    var late = send("ORDER_DATA_COMPLETED", "order-2", "{\"orderId\":\"order-2\"}");
    assertThat(late.status()).isEqualTo(409);
    assertThat(late.detail()).contains("has ended (failed");
    assertThat(herald.get("/api/v1/app/leadfinder/subject/order-2").field("state")).isEqualTo("failed");
    List<ReceivedRequest> got = receiver.awaitCount(2, Duration.ofSeconds(10));
    assertThat(got.get(1).bodyText()).isEqualTo("{\"event\":\"ORDER_DATA_FAILED\",\"data\":" + failed + "}");
  }
}
