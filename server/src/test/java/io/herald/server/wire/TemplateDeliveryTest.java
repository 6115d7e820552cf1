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
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Body and header templates, and the Standard Webhooks envelope, delivered to a real receiver. */
class TemplateDeliveryTest {
  ScriptedReceiver receiver;
  TestServer herald;

  @BeforeEach
  void start() {
    receiver = ScriptedReceiver.start();
    herald = TestServer.start(Map.of("HERALD_RETRY_SCHEDULE", "0.3,0.3,0.3,0.3,0.3"));
    herald.post("/api/v1/app", "{\"name\":\"Acme\",\"uid\":\"acme\",\"metadata\":{\"region\":\"eu\"}}");
  }

  @AfterEach
  void stop() {
    herald.close();
    receiver.close();
  }

  String endpoint(String fields) {
    var r = herald.post("/api/v1/app/acme/endpoint", "{\"url\":\"" + receiver.url("/hook") + "\"" + fields + "}");
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.field("id");
  }

  @Test
  void a_body_template_and_header_templates_shape_the_request_and_the_signature_covers_it() throws Exception {
    String ep = endpoint(",\"uid\":\"crm\",\"bodyTemplate\":\"{'kind': message.eventType, 'order': payload.id, "
        + "'total': payload.amount * 2, 'customer': subject.metadata.customer, 'region': application.metadata.region, "
        + "'to': endpoint.uid, 'seq': message.sequence}\","
        + "\"headerTemplates\":{\"X-Seq\":\"message.sequence\",\"X-Absent\":\"message.user\"}");
    herald.put("/api/v1/app/acme/subject/order-9", "{\"metadata\":{\"customer\":\"c-42\"}}");
    herald.post("/api/v1/app/acme/msg",
        "{\"eventType\":\"order.paid\",\"subject\":\"order-9\",\"payload\":{\"id\":\"9\",\"amount\":10.25}}");

    ReceivedRequest req = receiver.awaitCount(1, Duration.ofSeconds(10)).get(0);
    assertThat(req.bodyText()).isEqualTo("{\"kind\":\"order.paid\",\"order\":\"9\",\"total\":20.5,"
        + "\"customer\":\"c-42\",\"region\":\"eu\",\"to\":\"crm\",\"seq\":1}");
    assertThat(req.header("x-seq")).isEqualTo("1");
    assertThat(req.header("x-absent")).isNull();
    String key = herald.get("/api/v1/app/acme/endpoint/" + ep + "/secret").field("key");
    WebhookVerifier.of(WebhookSecret.parse(key)).verify(req.headers(), req.body());
  }

  @Test
  void the_standard_envelope_wraps_the_payload_bytes_with_type_and_timestamp() {
    endpoint(",\"bodyFormat\":\"standard\"");
    var msg = herald.post("/api/v1/app/acme/msg", "{\"eventType\":\"contact.created\",\"payload\":{\"a\": 1.50}}");
    ReceivedRequest req = receiver.awaitCount(1, Duration.ofSeconds(10)).get(0);
    assertThat(req.bodyText()).isEqualTo("{\"type\":\"contact.created\",\"timestamp\":\"" + msg.field("timestamp")
        + "\",\"data\":{\"a\": 1.50}}");
    assertThat(req.header("webhook-event-type")).isEqualTo("contact.created");
    assertThat(req.header("webhook-subject")).isNull();
  }

  @Test
  void a_template_that_fails_on_a_message_fails_the_attempt_with_the_reason_and_a_fix_lets_the_retry_through() {
    String ep = endpoint(",\"bodyTemplate\":\"payload.bad ? $error('refusing a bad payload') : payload\"");
    String msg = herald.post("/api/v1/app/acme/msg", "{\"eventType\":\"e\",\"payload\":{\"bad\":true}}").field("id");

    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
      JsonNode attempts = herald.get("/api/v1/app/acme/attempt/msg/" + msg).json().path("data");
      assertThat(attempts).isNotEmpty();
      assertThat(attempts.get(0).path("response").asText())
          .startsWith("bodyTemplate failed: refusing a bad payload (at position ");
      assertThat(attempts.get(0).path("responseStatusCode").asInt()).isZero();
    });
    assertThat(receiver.requests()).isEmpty();

    assertThat(herald.patch("/api/v1/app/acme/endpoint/" + ep, "{\"bodyTemplate\":\"{'fixed': payload}\"}")
        .status()).isEqualTo(200);
    ReceivedRequest req = receiver.awaitCount(1, Duration.ofSeconds(5)).get(0);
    assertThat(Json.tree(req.bodyText())).isEqualTo(Json.tree("{\"fixed\":{\"bad\":true}}"));
  }

  @Test
  void a_header_template_producing_a_line_break_fails_the_attempt_instead_of_injecting_a_header() {
    // A message's user cannot hold CR/LF (ingest refuses it), but a label can; the value is checked when sent.
    endpoint(",\"headerTemplates\":{\"X-Note\":\"message.labels.note\"}");
    String msg = herald.post("/api/v1/app/acme/msg",
        "{\"eventType\":\"e\",\"labels\":{\"note\":\"a\\r\\nX-Evil: 1\"},\"payload\":{}}").field("id");
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(herald.get("/api/v1/app/acme/attempt/msg/"
        + msg).json().path("data").get(0).path("response").asText()).startsWith("headerTemplates.X-Note produced")
        .contains("characters a header cannot carry"));
    assertThat(receiver.requests()).isEmpty();
  }
}
