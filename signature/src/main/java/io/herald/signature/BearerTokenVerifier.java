package io.herald.signature;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Checks the {@code Authorization: Bearer <token>} header that Herald sends to endpoints configured with a bearer
 * token.
 *
 * <pre>{@code
 * BearerTokenVerifier bearer = BearerTokenVerifier.of(System.getenv("HERALD_ENDPOINT_TOKEN"));
 * bearer.verify(headers); // throws WebhookVerificationException with reason BAD_TOKEN
 * }</pre>
 *
 * <p>The comparison runs in constant time: both tokens are hashed with SHA-256 and the digests compared with
 * {@link MessageDigest#isEqual}, so neither the content nor the length of the expected token leaks through timing.
 * Failure messages never contain the expected or the presented token, and {@link #toString()} is redacted.
 *
 * <p>A bearer token is a second factor next to the signature, not a replacement: it does not cover the body.
 *
 * @since 0.1
 */
public final class BearerTokenVerifier {
  private static final String SCHEME = "bearer";

  private final byte[] expectedDigest;

  private BearerTokenVerifier(byte[] expectedDigest) {
    this.expectedDigest = expectedDigest;
  }

  /**
   * A verifier that accepts exactly this token.
   *
   * @throws IllegalArgumentException if the token is null, blank or contains whitespace
   */
  public static BearerTokenVerifier of(String token) {
    if (token == null || token.isBlank()) {
      throw new IllegalArgumentException("bearer token is empty");
    }
    if (!token.strip().equals(token) || token.chars().anyMatch(Character::isWhitespace)) {
      throw new IllegalArgumentException("bearer token must not contain whitespace");
    }
    return new BearerTokenVerifier(sha256(token));
  }

  /**
   * Checks the {@code Authorization} header in a header map (names matched case-insensitively; String or List values;
   * a header with several values uses the first).
   */
  public void verify(Map<String, ? extends Object> headers) throws WebhookVerificationException {
    verify(authorization(headers));
  }

  /** Checks one {@code Authorization} header value, e.g. {@code "Bearer abc123"}; null means the header is absent. */
  public void verify(String authorizationHeader) throws WebhookVerificationException {
    if (authorizationHeader == null || authorizationHeader.isBlank()) {
      throw new WebhookVerificationException(
          WebhookVerificationException.Reason.BAD_TOKEN, "missing Authorization header");
    }
    String value = authorizationHeader.strip();
    int space = value.indexOf(' ');
    if (space <= 0 || !value.substring(0, space).toLowerCase(Locale.ROOT).equals(SCHEME)) {
      throw new WebhookVerificationException(
          WebhookVerificationException.Reason.BAD_TOKEN, "Authorization header is not a Bearer token");
    }
    String presented = value.substring(space + 1).strip();
    if (!MessageDigest.isEqual(expectedDigest, sha256(presented))) {
      throw new WebhookVerificationException(
          WebhookVerificationException.Reason.BAD_TOKEN, "bearer token does not match");
    }
  }

  @Override
  public String toString() {
    return "BearerTokenVerifier[redacted]";
  }

  private static String authorization(Map<String, ? extends Object> headers) {
    for (Map.Entry<String, ? extends Object> e : headers.entrySet()) {
      if (e.getKey() != null && e.getKey().equalsIgnoreCase("authorization")) {
        Object v = e.getValue();
        if (v instanceof List<?> list) {
          return list.isEmpty() ? null : String.valueOf(list.get(0));
        }
        return v == null ? null : String.valueOf(v);
      }
    }
    return null;
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is unavailable in this JVM", e);
    }
  }
}
