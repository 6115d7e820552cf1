package io.herald.server.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.server.testing.ReceivedRequest;
import io.herald.server.testing.ScriptedReceiver;
import io.herald.server.testing.TestServer;
import io.herald.signature.WebhookSecret;
import io.herald.signature.WebhookVerifier;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Seed 002, DirectScale's webhooks: POST with {@code Content-Type: application/json; charset=UTF-8},
 * {@code Authorization: Bearer}, X-Directscale-Client-Id, X-Directscale-Message-Id and (when known)
 * X-Directscale-User, and a flat body with EventDateUtc, EventType and EventCategory.
 */
class DirectScaleWireFormatTest {
  static final String TOKEN = "mcwod!j9xn2fylqo%2692kd09$jdi1l";
  static final String ORDER = "{\"OrderNumber\":1,\"OrderPaymentId\":1,\"PaymentStatus\":\"Paid\","
      + "\"PaymentType\":\"Charge\",\"Amount\":20.0,\"CurrencyCode\":\"USD\"}";

  ScriptedReceiver receiver;
  TestServer herald;
  String secret;

  @BeforeEach
  void start() {
    receiver = ScriptedReceiver.start();
    herald = TestServer.start();
    herald.post("/api/v1/app", "{\"name\":\"Acme\",\"uid\":\"acme\"}");
    herald.post("/api/v1/event-type",
        "{\"name\":\"CreateOrderEvent\",\"description\":\"An order was placed\",\"category\":\"OrderEvents\"}");
    var ep = herald.post("/api/v1/app/acme/endpoint", "{\"url\":\"" + receiver.url("/api/webhookRecieverEndpoint")
        + "\",\"filterTypes\":[\"CreateOrderEvent\"],\"bodyFormat\":\"flat\",\"bearerToken\":\"" + TOKEN + "\","
        + "\"headerTemplates\":{\"X-Directscale-Client-Id\":\"application.uid\","
        + "\"X-Directscale-Message-Id\":\"message.id\",\"X-Directscale-User\":\"message.user\"}}");
    assertThat(ep.status()).as(ep.toString()).isEqualTo(201);
    assertThat(ep.json().path("hasBearerToken").asBoolean()).isTrue();
    assertThat(ep.body()).doesNotContain(TOKEN);
    secret = herald.get("/api/v1/app/acme/endpoint/" + ep.field("id") + "/secret").field("key");
  }

  @AfterEach
  void stop() {
    herald.close();
    receiver.close();
  }

  /** DirectScale's EventDateUtc for the message: .NET's round-trip format, seven fractional digits. */
  static String eventDate(TestServer.Reply msg) {
    Instant t = Instant.parse(msg.field("timestamp"));
    String millis = String.format("%03d", t.toEpochMilli() % 1000);
    return msg.field("timestamp").replaceFirst("\\.\\d{3}Z$", "." + millis + "0000Z");
  }

  @Test
  void create_order_event_arrives_with_bearer_token_directscale_headers_and_a_flat_body() throws Exception {
    var sent = herald.post("/api/v1/app/acme/msg",
        "{\"eventType\":\"CreateOrderEvent\",\"user\":\"jdoe\",\"payload\":" + ORDER + "}");
    assertThat(sent.status()).as(sent.toString()).isEqualTo(202);

    ReceivedRequest req = receiver.awaitCount(1, Duration.ofSeconds(10)).get(0);
    assertThat(req.method()).isEqualTo("POST");
    assertThat(req.path()).isEqualTo("/api/webhookRecieverEndpoint");
    assertThat(req.header("content-type")).isEqualTo("application/json; charset=UTF-8");
    assertThat(req.header("authorization")).isEqualTo("Bearer " + TOKEN);
    assertThat(req.header("x-directscale-client-id")).isEqualTo("acme");
    assertThat(req.header("x-directscale-message-id")).isEqualTo(sent.field("id"));
    assertThat(req.header("x-directscale-user")).isEqualTo("jdoe");
    assertThat(req.header("webhook-event-type")).isEqualTo("CreateOrderEvent");
    assertThat(req.bodyText()).isEqualTo("{\"OrderNumber\":1,\"OrderPaymentId\":1,\"PaymentStatus\":\"Paid\","
        + "\"PaymentType\":\"Charge\",\"Amount\":20.0,\"CurrencyCode\":\"USD\",\"EventDateUtc\":\"" + eventDate(sent)
        + "\",\"EventType\":\"CreateOrderEvent\",\"EventCategory\":\"OrderEvents\"}");
    assertThat(eventDate(sent)).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{7}Z");
    // The signature covers the flat body, the bytes actually sent.
    WebhookVerifier.of(WebhookSecret.parse(secret)).verify(req.headers(), req.body());
  }

  @Test
  void the_user_header_is_omitted_when_no_user_caused_the_event() {
    herald.post("/api/v1/app/acme/msg", "{\"eventType\":\"CreateOrderEvent\",\"payload\":" + ORDER + "}");
    herald.post("/api/v1/app/acme/msg", "{\"eventType\":\"OtherEvent\",\"payload\":{}}"); // not subscribed

    List<ReceivedRequest> got = receiver.awaitCount(1, Duration.ofSeconds(10));
    assertThat(got.get(0).header("x-directscale-user")).isNull();
    assertThat(got.get(0).header("x-directscale-client-id")).isEqualTo("acme");
  }
}
