package io.herald.receiver;

/**
 * A {@link DedupeStore} or {@link SubjectTracker} could not reach or update its storage. The message was neither
 * accepted nor marked as seen: answer with a 5xx status so that Herald retries it later.
 *
 * @since 0.1
 */
public class StoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** A failure with its underlying cause, typically a {@link java.sql.SQLException}. */
  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }

  /** A failure without an underlying exception. */
  public StoreException(String message) {
    super(message);
  }
}
