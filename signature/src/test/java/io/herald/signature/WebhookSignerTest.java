package io.herald.signature;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.standardwebhooks.Webhook;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WebhookSignerTest {
  // The Standard Webhooks spec's test vector.
  static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  static final String ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
  static final long TS = 1614265330L;
  static final byte[] BODY = "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8);

  @Test
  void signs_the_spec_test_vector() {
    assertThat(WebhookSigner.sign(WebhookSecret.parse(SECRET), ID, TS, BODY))
        .isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  }

  @Test
  void header_carries_one_signature_per_secret() {
    WebhookSecret other = WebhookSecret.generate();
    String header = WebhookSigner.signatureHeader(List.of(WebhookSecret.parse(SECRET), other), ID, TS, BODY);
    assertThat(header.split(" ")).hasSize(2).startsWith("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  }

  @Test
  void our_signature_verifies_with_the_standard_webhooks_library() throws Exception {
    WebhookSecret secret = WebhookSecret.generate();
    long now = Instant.now().getEpochSecond();
    String sig = WebhookSigner.sign(secret, ID, now, BODY);
    HttpHeaders headers = HttpHeaders.of(
        Map.of("webhook-id", List.of(ID), "webhook-timestamp", List.of(Long.toString(now)), "webhook-signature", List.of(sig)),
        (a, b) -> true);
    new Webhook(secret.reveal()).verify(new String(BODY, StandardCharsets.UTF_8), headers);
  }

  @Test
  void verifies_the_standard_webhooks_library_signature() throws Exception {
    WebhookSecret secret = WebhookSecret.generate();
    long now = Instant.now().getEpochSecond();
    String sig = new Webhook(secret.reveal()).sign(ID, now, new String(BODY, StandardCharsets.UTF_8));
    String id = WebhookVerifier.of(secret)
        .verify(Map.of("Webhook-Id", ID, "Webhook-Timestamp", Long.toString(now), "Webhook-Signature", sig), BODY);
    assertThat(id).isEqualTo(ID);
  }

  @Test
  void verifier_rejects_tampering_and_stale_timestamps() {
    WebhookSecret secret = WebhookSecret.parse(SECRET);
    String sig = WebhookSigner.sign(secret, ID, TS, BODY);
    Clock atSend = Clock.fixed(Instant.ofEpochSecond(TS), ZoneOffset.UTC);
    WebhookVerifier verifier = WebhookVerifier.of(secret).withClock(atSend);

    assertThatThrownBy(() -> verifier.verify(ID, Long.toString(TS), sig, "{\"test\": 2432232315}".getBytes()))
        .isInstanceOfSatisfying(WebhookVerificationException.class,
            e -> assertThat(e.reason()).isEqualTo(WebhookVerificationException.Reason.BAD_SIGNATURE));
    assertThatThrownBy(() -> WebhookVerifier.of(secret)
            .withClock(Clock.fixed(Instant.ofEpochSecond(TS + 301), ZoneOffset.UTC))
            .verify(ID, Long.toString(TS), sig, BODY))
        .isInstanceOfSatisfying(WebhookVerificationException.class,
            e -> assertThat(e.reason()).isEqualTo(WebhookVerificationException.Reason.EXPIRED));
    assertThatThrownBy(() -> WebhookVerifier.of(secret)
            .withClock(Clock.fixed(Instant.ofEpochSecond(TS - 301), ZoneOffset.UTC))
            .verify(ID, Long.toString(TS), sig, BODY))
        .isInstanceOfSatisfying(WebhookVerificationException.class,
            e -> assertThat(e.reason()).isEqualTo(WebhookVerificationException.Reason.FUTURE));
  }

  @Test
  void secret_text_never_appears_in_to_string() {
    assertThat(WebhookSecret.parse(SECRET).toString()).doesNotContain("MfKQ9r8");
  }

  @Test
  void one_secret_signs_concurrently_from_many_threads_with_the_same_result() throws Exception {
    WebhookSecret secret = WebhookSecret.parse(SECRET);
    byte[] body = "{\"k\":\"v\"}".getBytes(StandardCharsets.UTF_8);
    List<String> expected = new java.util.ArrayList<>();
    for (int i = 0; i < 200; i++) {
      expected.add(WebhookSigner.sign(WebhookSecret.parse(SECRET), "msg_" + i, 1_700_000_000L + i, body));
    }
    List<java.util.concurrent.Callable<Boolean>> workers = new java.util.ArrayList<>();
    for (int w = 0; w < 8; w++) {
      workers.add(() -> {
        for (int round = 0; round < 20; round++) {
          for (int i = 0; i < 200; i++) {
            if (!WebhookSigner.sign(secret, "msg_" + i, 1_700_000_000L + i, body).equals(expected.get(i))) {
              return false;
            }
          }
        }
        return true;
      });
    }
    var pool = java.util.concurrent.Executors.newFixedThreadPool(8);
    try {
      for (var f : pool.invokeAll(workers)) {
        assertThat(f.get()).isTrue();
      }
    } finally {
      pool.shutdown();
    }
  }
}
