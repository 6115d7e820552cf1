package io.herald.receiver;

/**
 * What a {@link SubjectTracker} decided about one message of a subject.
 *
 * <p>Latest-state semantics: a message is accepted when its sequence is higher than the last accepted one and the
 * subject has not ended. Gaps are fine (a sender may collapse progress events), so 1, 4, 9 are all accepted.
 * When several reasons apply, the first in this order wins: {@link #DUPLICATE}, {@link #STALE},
 * {@link #AFTER_TERMINAL}.
 *
 * @since 0.1
 */
public enum Decision {
  /** Newer than anything accepted for the subject, and the subject is still open: process it. */
  ACCEPT,
  /** The sequence is lower than the last accepted one: a newer state has already been processed. */
  STALE,
  /** The same sequence as the last accepted one: this state has already been processed. */
  DUPLICATE,
  /** The subject has ended (a terminal event type was accepted); later events are ignored. */
  AFTER_TERMINAL;

  /** True only for {@link #ACCEPT}. */
  public boolean accepted() {
    return this == ACCEPT;
  }

  /**
   * The decision for {@code sequence} given the subject's last accepted sequence (0 when none) and whether it ended.
   */
  static Decision of(long lastSequence, boolean ended, long sequence) {
    if (sequence == lastSequence) {
      return DUPLICATE;
    }
    if (sequence < lastSequence) {
      return STALE;
    }
    return ended ? AFTER_TERMINAL : ACCEPT;
  }

  static void checkArguments(String subject, long sequence) {
    if (subject == null || subject.isEmpty()) {
      throw new IllegalArgumentException("subject is empty");
    }
    if (sequence < 1) {
      throw new IllegalArgumentException("sequence must be 1 or more, got " + sequence);
    }
  }
}
