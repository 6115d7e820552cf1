package io.herald.server.message;

import io.herald.server.api.ApiException;
import io.herald.server.delivery.DeliveryRepository;
import io.herald.server.delivery.DeliveryTask;
import io.herald.server.delivery.Dispatcher;
import io.herald.server.delivery.Notifier;
import io.herald.server.endpoint.Endpoint;
import io.herald.server.endpoint.EndpointRepository;
import io.herald.server.store.Database;
import io.herald.server.store.Ids;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Accepts a message: the message row and one delivery per matching endpoint are written in one transaction, and
 * the call returns only after that transaction is durably committed. Concurrent calls share commits (group commit).
 * Right after the commit the deliveries go to the dispatcher in memory, already claimed, so the first attempt
 * starts without waiting for a poll.
 */
public final class Ingest {
  private final Database db;
  private final Dispatcher dispatcher;
  private final Notifier notifier;
  private final Clock clock;

  public Ingest(Database db, Dispatcher dispatcher, Notifier notifier, Clock clock) {
    this.db = db;
    this.dispatcher = dispatcher;
    this.notifier = notifier;
    this.clock = clock;
  }

  /** Stores the message for {@code appId} and fans it out; a reused eventId is a 409. */
  public Message accept(String appId, MessageIn in) {
    long now = clock.millis();
    Message msg = new Message(Ids.next("msg", now), appId, in.eventId(), in.eventType(), in.channels(), in.payload(), now);
    boolean handOver = dispatcher.hasRoom();
    Long lease = handOver ? dispatcher.leaseUntil(now) : null;
    List<DeliveryTask> tasks = db.writes().execute(h -> {
      if (!MessageRepository.insert(h, msg)) {
        return null; // duplicate eventId; answered outside, so the batch's other writes are not rolled back
      }
      List<DeliveryTask> out = new ArrayList<>();
      for (Endpoint ep : EndpointRepository.enabledIn(h, appId)) {
        if (ep.accepts(msg.eventType(), msg.channels())) {
          long id = DeliveryRepository.insert(h, msg.id(), ep.id(), appId, now, lease, dispatcher.claimToken());
          out.add(new DeliveryTask(id, msg.id(), ep.id(), appId, msg.eventType(), msg.payload(), 0, false,
              lease == null ? 0 : lease));
        }
      }
      return out;
    });
    if (tasks == null) {
      throw ApiException.conflict("a message with eventId '" + in.eventId() + "' already exists in this application");
    }
    if (handOver) {
      dispatcher.submit(tasks);
    } else if (!tasks.isEmpty()) {
      notifier.publish(); // this process is saturated: let an idle one claim them
    }
    return msg;
  }
}
