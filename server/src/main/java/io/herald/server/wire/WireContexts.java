package io.herald.server.wire;

import io.herald.server.application.Application;
import io.herald.server.application.ApplicationRepository;
import io.herald.server.eventtype.EventType;
import io.herald.server.eventtype.EventTypeRepository;
import io.herald.server.message.Message;
import io.herald.server.message.MessageRepository;
import io.herald.server.store.Database;
import io.herald.server.subject.Subject;
import io.herald.server.subject.SubjectRepository;
import java.util.Optional;

/**
 * Loads what a formatted delivery needs, in one read transaction, when it is sent: a few primary-key lookups, and
 * only for endpoints whose wire settings need more than the payload. Subject metadata is read as it is at send time,
 * so a metadata update reaches every later webhook about the subject.
 */
public final class WireContexts {
  private final Database db;

  public WireContexts(Database db) {
    this.db = db;
  }

  /**
   * The context of message {@code msgId}, with {@code payload} (the bytes the dispatcher holds) as its payload, or
   * empty when the message or its application no longer exists.
   */
  public Optional<WireContext> load(String msgId, byte[] payload, WireContext.EndpointFacts endpoint) {
    return db.reads().inTransaction(h -> {
      Optional<Message> stored = MessageRepository.byId(h, msgId);
      if (stored.isEmpty()) {
        return Optional.empty();
      }
      Message m = stored.get();
      Message message = new Message(m.id(), m.appId(), m.eventId(), m.eventType(), m.channels(), payload,
          m.createdAt(), m.subject(), m.sequence(), m.user(), m.labels(), m.metadata());
      Optional<Application> app = ApplicationRepository.find(h, m.appId());
      if (app.isEmpty()) {
        return Optional.empty();
      }
      Subject subject = m.subject() == null ? null : SubjectRepository.find(h, m.appId(), m.subject()).orElse(null);
      Optional<EventType> type = EventTypeRepository.find(h, m.eventType());
      return Optional.of(new WireContext(message, app.get(), subject, type.map(EventType::category).orElse(null),
          type.map(EventType::lifecycle).orElse(null), endpoint));
    });
  }
}
