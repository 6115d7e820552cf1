package io.herald.receiver;

import static io.herald.receiver.Messages.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookVerificationException;
import io.herald.receiver.ReceiveResult.Accepted;
import io.herald.receiver.ReceiveResult.Rejected;
import io.herald.signature.WebhookSecret;
import io.herald.signature.WebhookSigner;
import java.net.http.HttpHeaders;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Cross-checks against com.standardwebhooks:standardwebhooks, the reference Java implementation. */
class InteropTest {
  // The Standard Webhooks spec's test vector.
  static final String SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  static final String SPEC_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
  static final long SPEC_TS = 1614265330L;
  static final String SPEC_BODY = "{\"test\": 2432232314}";
  static final String SPEC_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

  @Test
  void the_spec_test_vector_is_accepted_and_reproduced() {
    WebhookReceiver receiver = WebhookReceiver.builder().secret(SPEC_SECRET)
        .clock(MutableClock.atEpochSecond(SPEC_TS)).build();
    Map<String, List<String>> headers = Map.of("webhook-id", List.of(SPEC_ID),
        "webhook-timestamp", List.of(Long.toString(SPEC_TS)), "webhook-signature", List.of(SPEC_SIGNATURE));

    assertThat(receiver.receive(headers, utf8(SPEC_BODY))).isInstanceOfSatisfying(Accepted.class,
        a -> assertThat(a.webhookId()).isEqualTo(SPEC_ID));
    assertThat(WebhookSigner.sign(WebhookSecret.parse(SPEC_SECRET), SPEC_ID, SPEC_TS, utf8(SPEC_BODY)))
        .isEqualTo(SPEC_SIGNATURE);
    assertThat(receiver.receive(headers, utf8("{\"test\": 2432232315}"))).isInstanceOf(Rejected.class);
  }

  @Test
  void signatures_made_by_the_standard_webhooks_library_verify_through_the_receiver() throws Exception {
    for (int i = 0; i < 20; i++) {
      WebhookSecret secret = WebhookSecret.generate();
      long now = Instant.now().getEpochSecond();
      String id = "msg_interop_" + i;
      String body = "{\"n\":" + i + ",\"text\":\"h\u00e9llo \u2603\"}";
      String signature = new Webhook(secret.reveal()).sign(id, now, body);
      WebhookReceiver receiver = WebhookReceiver.builder().secrets(List.of(secret)).build();

      ReceiveResult result = receiver.receive(Map.of("webhook-id", List.of(id),
          "webhook-timestamp", List.of(Long.toString(now)), "webhook-signature", List.of(signature)), utf8(body));

      assertThat(result).isInstanceOfSatisfying(Accepted.class, a -> assertThat(a.bodyAsString()).isEqualTo(body));
    }
  }

  @Test
  void signatures_from_webhook_signer_verify_with_the_standard_webhooks_library() throws Exception {
    for (int i = 0; i < 20; i++) {
      WebhookSecret secret = WebhookSecret.generate();
      WebhookSecret rotatedOut = WebhookSecret.generate();
      long now = Instant.now().getEpochSecond();
      String id = "msg_signer_" + i;
      String body = "{\"n\":" + i + "}";
      String header = WebhookSigner.signatureHeader(List.of(rotatedOut, secret), id, now, utf8(body));

      new Webhook(secret.reveal()).verify(body, headers(id, now, header));
      new Webhook(rotatedOut.reveal()).verify(body, headers(id, now, header));
      assertThatThrownBy(() -> new Webhook(WebhookSecret.generate().reveal()).verify(body, headers(id, now, header)))
          .isInstanceOf(WebhookVerificationException.class);
    }
  }

  private static HttpHeaders headers(String id, long timestamp, String signature) {
    return HttpHeaders.of(Map.of("webhook-id", List.of(id), "webhook-timestamp", List.of(Long.toString(timestamp)),
        "webhook-signature", List.of(signature)), (name, value) -> true);
  }
}
