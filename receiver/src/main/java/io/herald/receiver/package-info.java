/**
 * Receiving Herald webhooks in Java: start at {@link io.herald.receiver.WebhookReceiver}.
 *
 * <p>Verification comes from {@code herald-signature}; this package adds deduplication ({@link
 * io.herald.receiver.DedupeStore}) and per-subject ordering ({@link io.herald.receiver.SubjectTracker}), with
 * in-memory and JDBC implementations of each. No third-party runtime dependencies; Java 17.
 *
 * @since 0.1
 */
package io.herald.receiver;
