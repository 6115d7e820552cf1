package io.herald.server.message;

import java.util.List;

/**
 * An event accepted from a producer. {@code payload} is the exact bytes of the producer's {@code payload} value,
 * or null once its content was deleted.
 */
public record Message(String id, String appId, String eventId, String eventType, List<String> channels, byte[] payload,
    long createdAt) {}
