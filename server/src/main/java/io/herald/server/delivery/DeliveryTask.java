package io.herald.server.delivery;

/**
 * A claimed delivery held in memory until its attempt is recorded.
 *
 * @param attempts attempts made before this one
 * @param manual a resend or recovery: tried once, not retried on failure
 * @param leaseUntil when the claim expires; past it another process may take the delivery over
 * @param subject the message's subject, or null
 * @param sequence the message's sequence number within its subject, or null
 */
public record DeliveryTask(long id, String msgId, String endpointId, String appId, String eventType, byte[] payload,
    int attempts, boolean manual, long leaseUntil, String subject, Long sequence) {}
