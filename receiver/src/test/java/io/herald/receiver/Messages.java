package io.herald.receiver;

import io.herald.signature.WebhookSecret;
import io.herald.signature.WebhookSigner;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds signed requests the way Herald sends them. */
final class Messages {
  static final WebhookSecret SECRET = WebhookSecret.parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
  static final long NOW = 1_700_000_000L;

  private Messages() {}

  static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** Signed headers for (id, timestamp, body), plus extra name/value pairs. */
  static Map<String, List<String>> signed(String id, long timestamp, byte[] body, String... extra) {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    headers.put("webhook-id", List.of(id));
    headers.put("webhook-timestamp", List.of(Long.toString(timestamp)));
    headers.put("webhook-signature", List.of(WebhookSigner.sign(SECRET, id, timestamp, body)));
    for (int i = 0; i < extra.length; i += 2) {
      headers.put(extra[i], new ArrayList<>(List.of(extra[i + 1])));
    }
    return headers;
  }

  /** A subject event: signed at {@link #NOW} with subject, sequence and event type headers. */
  static Map<String, List<String>> event(String id, String subject, long sequence, String eventType, byte[] body) {
    return signed(id, NOW, body, "webhook-subject", subject, "webhook-sequence", Long.toString(sequence),
        "webhook-event-type", eventType);
  }
}
