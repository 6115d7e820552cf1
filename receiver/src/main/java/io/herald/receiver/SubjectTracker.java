package io.herald.receiver;

/**
 * Remembers, per subject (e.g. an order id), the last accepted {@code webhook-sequence} and whether the subject has
 * ended, so that out-of-order and after-the-end events are skipped.
 *
 * <p>This is the rule vendors hand to receivers as "handle out-of-order events yourself; ignore any events after
 * ORDER_DATA_COMPLETED". Latest-state semantics: accept any sequence higher than the last accepted one while the
 * subject is open; gaps are fine. See {@link Decision} for the skip reasons.
 *
 * <p>A consequence worth knowing: if a sender emits an event after the terminal one (a late progress event gets a
 * higher sequence than the completion) and that event arrives first, it is accepted and the terminal event is then
 * {@link Decision#STALE}. Treat the event types you mark terminal as "the subject is done", and make handlers of
 * non-terminal events tolerate a subject that is already complete on your side.
 *
 * <p>Implementations: {@link InMemorySubjectTracker} and {@link JdbcSubjectTracker}. Both are atomic: under
 * concurrent calls for one subject, each sequence is accepted at most once and accepted sequences only go up.
 *
 * @since 0.1
 */
public interface SubjectTracker {

  /**
   * Decides about message {@code sequence} of {@code subject} and, when it is accepted, records it as the latest.
   *
   * @param subject the {@code webhook-subject}
   * @param sequence the {@code webhook-sequence}, 1 or more
   * @param terminal whether the message's event type ends the subject
   * @return {@link Decision#ACCEPT} or the reason to skip
   * @throws StoreException if the storage fails; nothing was recorded
   */
  Decision observe(String subject, long sequence, boolean terminal);

  /**
   * Undoes the acceptance of {@code sequence} if it is still the subject's latest, restoring the state from before
   * it, so that a retry of the same message is accepted again. Does nothing if a newer message was accepted since
   * (the retry is then rightly stale). Called by {@link WebhookReceiver#forget(ReceiveResult.Accepted)}.
   *
   * @throws StoreException if the storage fails
   */
  void forget(String subject, long sequence);
}
