package io.herald.signature;

/**
 * A request that failed verification. The message says what was wrong and never contains the secret or the expected
 * signature, so it is safe to log and to return to the sender.
 */
public final class WebhookVerificationException extends Exception {
  /** Why verification failed. */
  public enum Reason {
    MISSING_HEADER,
    MALFORMED,
    EXPIRED,
    FUTURE,
    BAD_SIGNATURE,
    BAD_TOKEN
  }

  private final Reason reason;

  public WebhookVerificationException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
