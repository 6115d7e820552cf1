package io.herald.server.wire;

import io.herald.server.application.Application;
import io.herald.server.message.Message;
import io.herald.server.subject.Subject;

/**
 * Everything a wire format or template may read about one delivery, loaded when it is sent.
 *
 * @param subject the message's subject as it is now, or null when the message has none
 * @param eventCategory the category of the message's event type, or null
 * @param endpoint the receiving endpoint's public facts
 */
public record WireContext(Message message, Application application, Subject subject, String eventCategory,
    String eventLifecycle, EndpointFacts endpoint) {

  /** What templates may read about the endpoint (never its secret or token). */
  public record EndpointFacts(String id, String uid, String url, String description, String metadata) {}
}
