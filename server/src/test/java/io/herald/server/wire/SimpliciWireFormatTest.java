package io.herald.server.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.server.testing.ReceivedRequest;
import io.herald.server.testing.ScriptedReceiver;
import io.herald.server.testing.TestServer;
import io.herald.signature.WebhookSecret;
import io.herald.signature.WebhookVerifier;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Seed 001, Simplici's envelope: payload, sessionId, pipelineId, stepId, date (ISO 8601 UTC, as
 * {@code 2024-03-14T14:55:50.094+00:00}) and the metadata supplied when the session was created, echoed back.
 */
class SimpliciWireFormatTest {
  static final String SESSION = "65f30fb56f1cef0a7d8103fb";
  static final String PIPELINE = "65f17595d5ac510490543f4c";

  ScriptedReceiver receiver;
  TestServer herald;
  String secret;

  @BeforeEach
  void start() {
    receiver = ScriptedReceiver.start();
    herald = TestServer.start();
    herald.post("/api/v1/app", "{\"name\":\"Simplici tenant\",\"uid\":\"tenant\"}");
    var ep = herald.post("/api/v1/app/tenant/endpoint",
        "{\"url\":\"" + receiver.url("/simplici") + "\",\"bodyFormat\":\"session\"}");
    assertThat(ep.status()).as(ep.toString()).isEqualTo(201);
    secret = herald.get("/api/v1/app/tenant/endpoint/" + ep.field("id") + "/secret").field("key");
  }

  @AfterEach
  void stop() {
    herald.close();
    receiver.close();
  }

  /** The message time in Simplici's date format: the API's UTC time with "+00:00" for "Z". */
  static String simpliciDate(TestServer.Reply msg) {
    String timestamp = msg.field("timestamp");
    assertThat(timestamp).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
    return timestamp.replace("Z", "+00:00");
  }

  @Test
  void the_envelope_carries_the_session_its_pipeline_step_and_date_and_echoes_the_session_metadata() throws Exception {
    var session = herald.put("/api/v1/app/tenant/subject/" + SESSION,
        "{\"metadata\":{\"customerRef\":\"C-1001\",\"plan\":\"gold\"}}");
    assertThat(session.status()).as(session.toString()).isEqualTo(201);

    var signed = herald.post("/api/v1/app/tenant/msg", "{\"eventType\":\"step.completed\",\"subject\":\"" + SESSION
        + "\",\"labels\":{\"pipelineId\":\"" + PIPELINE + "\",\"stepId\":\"signAgreement\"},"
        + "\"payload\":{\"signed\": true, \"signer\": \"Jane Doe\"}}");
    assertThat(signed.status()).as(signed.toString()).isEqualTo(202);
    ReceivedRequest req = receiver.awaitCount(1, Duration.ofSeconds(10)).get(0);

    assertThat(req.bodyText()).isEqualTo("{\"payload\":{\"signed\": true, \"signer\": \"Jane Doe\"},"
        + "\"sessionId\":\"" + SESSION + "\",\"pipelineId\":\"" + PIPELINE + "\",\"stepId\":\"signAgreement\","
        + "\"date\":\"" + simpliciDate(signed) + "\",\"metadata\":{\"customerRef\":\"C-1001\",\"plan\":\"gold\"}}");
    assertThat(req.header("content-type")).isEqualTo("application/json");
    assertThat(req.header("webhook-subject")).isEqualTo(SESSION);
    assertThat(req.header("webhook-sequence")).isEqualTo("1");
    WebhookVerifier.of(WebhookSecret.parse(secret)).verify(req.headers(), req.body());
  }

  @Test
  void step_falls_back_to_the_event_type_and_message_metadata_is_merged_over_the_session_metadata() {
    herald.put("/api/v1/app/tenant/subject/" + SESSION, "{\"metadata\":{\"customerRef\":\"C-1001\",\"plan\":\"gold\"}}");
    var first = herald.post("/api/v1/app/tenant/msg", "{\"eventType\":\"idVerification\",\"subject\":\"" + SESSION
        + "\",\"labels\":{\"pipelineId\":\"" + PIPELINE + "\"},\"metadata\":{\"plan\":\"platinum\",\"attempt\":2},"
        + "\"payload\":{}}");
    receiver.awaitCount(1, Duration.ofSeconds(10));
    // A metadata update reaches every later webhook about the session.
    herald.put("/api/v1/app/tenant/subject/" + SESSION, "{\"metadata\":{\"customerRef\":\"C-2002\"}}");
    var second = herald.post("/api/v1/app/tenant/msg", "{\"eventType\":\"done\",\"payload\":{\"ok\":1}}");

    List<ReceivedRequest> got = receiver.awaitCount(2, Duration.ofSeconds(10));
    assertThat(got.get(0).bodyText()).isEqualTo("{\"payload\":{},\"sessionId\":\"" + SESSION + "\",\"pipelineId\":\""
        + PIPELINE + "\",\"stepId\":\"idVerification\",\"date\":\"" + simpliciDate(first) + "\","
        + "\"metadata\":{\"customerRef\":\"C-1001\",\"plan\":\"platinum\",\"attempt\":2}}");
    // Without a subject or labels every field is still there, as null, so receivers see one shape.
    assertThat(got.get(1).bodyText()).isEqualTo("{\"payload\":{\"ok\":1},\"sessionId\":null,\"pipelineId\":null,"
        + "\"stepId\":\"done\",\"date\":\"" + simpliciDate(second) + "\",\"metadata\":{}}");

    herald.post("/api/v1/app/tenant/msg", "{\"eventType\":\"again\",\"subject\":\"" + SESSION + "\",\"payload\":{}}");
    assertThat(receiver.awaitCount(3, Duration.ofSeconds(10)).get(2).bodyText())
        .contains("\"metadata\":{\"customerRef\":\"C-2002\"}");
  }
}
