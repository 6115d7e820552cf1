package io.herald.signature;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Verifies Standard Webhooks requests: {@code webhook-id}, {@code webhook-timestamp} and {@code webhook-signature}
 * headers, or their {@code svix-} named twins.
 *
 * <pre>{@code
 * WebhookVerifier verifier = WebhookVerifier.of(List.of(WebhookSecret.parse(System.getenv("WEBHOOK_SECRET"))));
 * verifier.verify(headers, rawBodyBytes); // throws WebhookVerificationException
 * }</pre>
 *
 * <p>Verify the raw bytes as received: parsing the JSON and serializing it again changes the bytes and breaks the
 * signature. Signatures are compared in constant time. The timestamp must lie within the tolerance (default five
 * minutes) in both directions, which bounds how long a captured request can be replayed.
 */
public final class WebhookVerifier {
  /** The spec's default tolerance. */
  public static final Duration DEFAULT_TOLERANCE = Duration.ofMinutes(5);

  private final List<WebhookSecret> secrets;
  private final Duration tolerance;
  private final Clock clock;

  private WebhookVerifier(List<WebhookSecret> secrets, Duration tolerance, Clock clock) {
    if (secrets.isEmpty()) {
      throw new IllegalArgumentException("at least one secret is needed to verify");
    }
    this.secrets = List.copyOf(secrets);
    this.tolerance = Objects.requireNonNull(tolerance);
    this.clock = Objects.requireNonNull(clock);
  }

  /** A verifier that accepts a signature made with any of the secrets (pass old and new during a rotation). */
  public static WebhookVerifier of(List<WebhookSecret> secrets) {
    return new WebhookVerifier(secrets, DEFAULT_TOLERANCE, Clock.systemUTC());
  }

  public static WebhookVerifier of(WebhookSecret secret) {
    return of(List.of(secret));
  }

  public WebhookVerifier withTolerance(Duration tolerance) {
    return new WebhookVerifier(secrets, tolerance, clock);
  }

  public WebhookVerifier withClock(Clock clock) {
    return new WebhookVerifier(secrets, tolerance, clock);
  }

  /**
   * Verifies a request given its headers (names matched case-insensitively; a header with several values uses the
   * first) and the raw body.
   *
   * @return the verified {@code webhook-id}, the key to deduplicate on
   */
  public String verify(Map<String, ? extends Object> headers, byte[] body) throws WebhookVerificationException {
    HeaderLookup lookup = new HeaderLookup(headers);
    String id = lookup.first("webhook-id", "svix-id");
    String timestamp = lookup.first("webhook-timestamp", "svix-timestamp");
    String signature = lookup.first("webhook-signature", "svix-signature");
    return verify(id, timestamp, signature, body);
  }

  /** Verifies the three header values and the raw body; returns the id. */
  public String verify(String id, String timestamp, String signatureHeader, byte[] body)
      throws WebhookVerificationException {
    if (id == null || id.isEmpty()) {
      throw new WebhookVerificationException(WebhookVerificationException.Reason.MISSING_HEADER, "missing webhook-id header");
    }
    if (timestamp == null || timestamp.isEmpty()) {
      throw new WebhookVerificationException(
          WebhookVerificationException.Reason.MISSING_HEADER, "missing webhook-timestamp header");
    }
    if (signatureHeader == null || signatureHeader.isEmpty()) {
      throw new WebhookVerificationException(
          WebhookVerificationException.Reason.MISSING_HEADER, "missing webhook-signature header");
    }
    if (id.indexOf('.') >= 0) {
      throw new WebhookVerificationException(WebhookVerificationException.Reason.MALFORMED, "webhook-id contains '.'");
    }
    long seconds;
    try {
      seconds = Long.parseLong(timestamp.trim());
    } catch (NumberFormatException e) {
      throw new WebhookVerificationException(
          WebhookVerificationException.Reason.MALFORMED, "webhook-timestamp is not an integer number of seconds");
    }
    long now = clock.instant().getEpochSecond();
    if (seconds < now - tolerance.toSeconds()) {
      throw new WebhookVerificationException(
          WebhookVerificationException.Reason.EXPIRED, "webhook-timestamp is older than " + tolerance.toSeconds() + " s");
    }
    if (seconds > now + tolerance.toSeconds()) {
      throw new WebhookVerificationException(
          WebhookVerificationException.Reason.FUTURE,
          "webhook-timestamp is more than " + tolerance.toSeconds() + " s in the future");
    }
    boolean sawV1 = false;
    for (String entry : signatureHeader.trim().split(" +")) {
      int comma = entry.indexOf(',');
      if (comma <= 0 || !entry.substring(0, comma).equals("v1")) {
        continue; // other schemes (v1a) or junk: the spec says to skip, not fail
      }
      sawV1 = true;
      byte[] candidate;
      try {
        candidate = Base64.getDecoder().decode(entry.substring(comma + 1).getBytes(StandardCharsets.US_ASCII));
      } catch (IllegalArgumentException e) {
        continue;
      }
      for (WebhookSecret secret : secrets) {
        if (MessageDigest.isEqual(WebhookSigner.hmac(secret, id, seconds, body), candidate)) {
          return id;
        }
      }
    }
    throw new WebhookVerificationException(
        sawV1 ? WebhookVerificationException.Reason.BAD_SIGNATURE : WebhookVerificationException.Reason.MALFORMED,
        sawV1 ? "no signature matched" : "webhook-signature has no v1 entry");
  }

  /** Case-insensitive header lookup over the common map shapes (String or List values). */
  private static final class HeaderLookup {
    private final Map<String, ? extends Object> headers;

    HeaderLookup(Map<String, ? extends Object> headers) {
      this.headers = headers;
    }

    String first(String... names) {
      for (String name : names) {
        for (Map.Entry<String, ? extends Object> e : headers.entrySet()) {
          if (e.getKey() != null && e.getKey().equalsIgnoreCase(name)) {
            Object v = e.getValue();
            if (v instanceof List<?> list) {
              return list.isEmpty() ? null : String.valueOf(list.get(0));
            }
            return v == null ? null : String.valueOf(v);
          }
        }
      }
      return null;
    }
  }
}
