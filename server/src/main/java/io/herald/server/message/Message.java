package io.herald.server.message;

import java.util.List;
import java.util.Map;

/**
 * An event accepted from a producer. {@code payload} is the exact bytes of the producer's {@code payload} value,
 * or null once its content was deleted.
 *
 * @param subject what the message is about (an order id, a session id), or null
 * @param sequence the message's place in its subject's series (1, 2, 3 ...), null without a subject
 * @param user who caused the event, or null
 * @param labels free string labels (e.g. pipelineId, stepId), or null
 * @param metadata a JSON object as text, or null
 */
public record Message(String id, String appId, String eventId, String eventType, List<String> channels, byte[] payload,
    long createdAt, String subject, Long sequence, String user, Map<String, String> labels, String metadata) {

  /** This message with its subject's sequence number, assigned inside the ingest transaction. */
  Message withSequence(long assigned) {
    return new Message(id, appId, eventId, eventType, channels, payload, createdAt, subject, assigned, user, labels,
        metadata);
  }
}
