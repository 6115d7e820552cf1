package io.herald.signature;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;

/**
 * Produces Standard Webhooks {@code v1} signatures: HMAC-SHA256 over {@code id + "." + timestamp + "." + body},
 * base64-encoded and prefixed with {@code v1,}.
 *
 * <p>Sign at send time, once per attempt: a signature computed once and reused across retries carries a stale
 * timestamp that receivers reject after five minutes.
 */
public final class WebhookSigner {
  private WebhookSigner() {}

  /**
   * The {@code webhook-signature} header value: one {@code v1,<base64>} entry per secret, separated by spaces.
   * During a key rotation pass the current secret and every unexpired old one, so receivers that still hold the old
   * secret keep verifying.
   */
  public static String signatureHeader(List<WebhookSecret> secrets, String msgId, long timestampSeconds, byte[] body) {
    if (secrets.isEmpty()) {
      throw new IllegalArgumentException("at least one secret is needed to sign");
    }
    StringBuilder header = new StringBuilder(secrets.size() * 48);
    for (WebhookSecret secret : secrets) {
      if (header.length() > 0) {
        header.append(' ');
      }
      header.append(sign(secret, msgId, timestampSeconds, body));
    }
    return header.toString();
  }

  /** One {@code v1,<base64>} signature. */
  public static String sign(WebhookSecret secret, String msgId, long timestampSeconds, byte[] body) {
    return "v1," + Base64.getEncoder().encodeToString(hmac(secret, msgId, timestampSeconds, body));
  }

  static byte[] hmac(WebhookSecret secret, String msgId, long timestampSeconds, byte[] body) {
    if (msgId.indexOf('.') >= 0) {
      // A '.' in the id would let "a.b" + "." + ts collide with "a" + "." + "b.ts": the spec forbids it.
      throw new IllegalArgumentException("message id must not contain '.'");
    }
    Mac mac = secret.newMac();
    mac.update(msgId.getBytes(StandardCharsets.UTF_8));
    mac.update((byte) '.');
    mac.update(Long.toString(timestampSeconds).getBytes(StandardCharsets.US_ASCII));
    mac.update((byte) '.');
    return mac.doFinal(body);
  }
}
