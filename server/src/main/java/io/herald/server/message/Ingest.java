package io.herald.server.message;

import io.herald.server.api.ApiException;
import io.herald.server.delivery.DeliveryRepository;
import io.herald.server.delivery.DeliveryTask;
import io.herald.server.delivery.Dispatcher;
import io.herald.server.delivery.EndpointCache;
import io.herald.server.delivery.Notifier;
import io.herald.server.delivery.Sequencing;
import io.herald.server.endpoint.Endpoint;
import io.herald.server.eventtype.EventTypeRepository;
import io.herald.server.store.Database;
import io.herald.server.store.GroupOp;
import io.herald.server.store.Ids;
import io.herald.server.subject.Subject;
import io.herald.server.subject.SubjectRepository;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * Accepts a message: the message row and one delivery per matching endpoint are written in one transaction, and
 * the call returns only after that transaction is durably committed. A message matching more than
 * {@link FanOut#INLINE_MAX} endpoints is written with a note that its deliveries are still to be created, and
 * {@link FanOut} creates them right after. Concurrent calls share commits (group commit), and messages with neither
 * an eventId nor a subject share statements too: the ones in a commit are inserted as one batch.
 * Right after the commit the deliveries go to the dispatcher in memory, already claimed, so the first attempt
 * starts without waiting for a poll.
 *
 * <p>A message with a subject takes the subject's next sequence number in the same transaction; once a terminal
 * message of the subject is accepted, later ones are refused (409).
 */
public final class Ingest {
  private final Database db;
  private final Dispatcher dispatcher;
  private final Notifier notifier;
  private final EndpointCache endpoints;
  private final FanOut fanOut;
  private final Clock clock;

  public Ingest(Database db, Dispatcher dispatcher, Notifier notifier, EndpointCache endpoints, FanOut fanOut,
      Clock clock) {
    this.db = db;
    this.dispatcher = dispatcher;
    this.notifier = notifier;
    this.endpoints = endpoints;
    this.fanOut = fanOut;
    this.clock = clock;
  }

  /**
   * What the write came to. Refusals are values, not exceptions, so that the group-commit transaction shared with
   * other requests is not rolled back for them.
   */
  private sealed interface Outcome {
    /**
     * {@code tasks} are claimed by this process; {@code leftInTable} says whether others wait there unclaimed;
     * {@code fannedOut}, that the deliveries are still to be created ({@link FanOut}).
     */
    record Accepted(Message message, List<DeliveryTask> tasks, boolean leftInTable, boolean fannedOut)
        implements Outcome {}

    record DuplicateEventId() implements Outcome {}

    record SubjectEnded(String state, String endedBy) implements Outcome {}
  }

  /** Thrown to roll back a subject's sequence number taken by a message whose eventId turned out to be taken. */
  private static final class EventIdRace extends RuntimeException {
    EventIdRace() {
      super("eventId taken by a concurrent request", null, false, false);
    }
  }

  /** Stores the message for {@code appId} and fans it out; a reused eventId or an ended subject is a 409. */
  public Message accept(String appId, MessageIn in) {
    long now = clock.millis();
    Message msg = new Message(Ids.next("msg", now), appId, in.eventId(), in.eventType(), in.channels(), in.payload(),
        now, in.subject(), null, in.user(), in.labels(), in.metadata());
    long lease = dispatcher.leaseUntil(now);
    Outcome outcome;
    try {
      outcome = msg.eventId() == null && msg.subject() == null
          ? db.writes().execute(plain, new Plain(msg, lease))
          : db.writes().execute(h -> write(h, msg, lease, now));
    } catch (EventIdRace e) {
      outcome = new Outcome.DuplicateEventId();
    }
    return switch (outcome) {
      case Outcome.DuplicateEventId d ->
          throw ApiException.conflict("a message with eventId '" + in.eventId()
              + "' already exists in this application");
      case Outcome.SubjectEnded e -> throw ApiException.conflict("subject '" + in.subject() + "' has ended ("
          + e.state() + (e.endedBy() == null ? "" : " by " + e.endedBy())
          + "): a terminal event was accepted, so later messages about it are refused");
      case Outcome.Accepted a -> {
        dispatcher.submit(a.tasks());
        if (a.fannedOut()) {
          fanOut.schedule(a.message().id());
        }
        if (a.leftInTable()) {
          notifier.publish(); // this process or that endpoint's lane is saturated: let an idle process claim them
        }
        yield a.message();
      }
    };
  }

  /** A message with neither an eventId nor a subject, and the lease its claimed deliveries get. */
  private record Plain(Message message, long lease) {}

  /**
   * Plain messages: nothing to look up before they are written, so the messages that share a commit are inserted
   * as one batch, and their deliveries as another ({@link GroupOp}).
   */
  private final GroupOp<Plain, Outcome> plain = this::writeAll;

  private List<Outcome> writeAll(Handle h, List<Plain> items) {
    List<Message> messages = new ArrayList<>(items.size());
    for (Plain p : items) {
      messages.add(p.message());
    }
    MessageRepository.insertAll(h, messages);
    return deliver(h, items);
  }

  /** A message with an eventId or a subject, which needs checks before and after its insert. */
  private Outcome write(Handle h, Message draft, long lease, long now) {
    if (MessageRepository.eventIdTaken(h, draft.appId(), draft.eventId())) {
      return new Outcome.DuplicateEventId();
    }
    Message msg = draft;
    EventTypeRepository.Lifecycle lifecycle = EventTypeRepository.Lifecycle.NONE;
    if (draft.subject() != null) {
      lifecycle = EventTypeRepository.lifecycleOf(h, draft.eventType());
      String endState = !lifecycle.terminal() ? null : lifecycle.failure() ? Subject.FAILED : Subject.COMPLETED;
      switch (SubjectRepository.advance(h, draft.appId(), draft.subject(), draft.id(), endState, now)) {
        case SubjectRepository.Advance.Ended e -> {
          return new Outcome.SubjectEnded(e.state(), e.endedBy());
        }
        case SubjectRepository.Advance.Next n -> msg = draft.withSequence(n.sequence());
      }
    }
    if (!MessageRepository.insert(h, msg)) {
      // A concurrent insert of the same eventId won the race (PostgreSQL). With a subject this message already took
      // a sequence number (and may have ended the subject): throwing rolls that back.
      if (msg.subject() != null) {
        throw new EventIdRace();
      }
      return new Outcome.DuplicateEventId();
    }
    if (msg.subject() == null) {
      return deliver(h, List.of(new Plain(msg, lease))).get(0);
    }
    List<DeliveryTask> tasks = new ArrayList<>();
    boolean leftInTable = false;
    for (Endpoint ep : matching(h, msg)) {
      // Claimed now and sent from memory when this process has room for it; otherwise the poller claims it later.
      Long claim = dispatcher.hasRoom(ep.id()) ? lease : null;
      var d = Sequencing.insert(h, msg, ep, lifecycle.progress(), now, claim, dispatcher.claimToken());
      if (d.parked()) {
        continue; // waits in the table for its predecessor; released when that one ends
      }
      long id = d.id();
      if (claim == null) {
        leftInTable = true;
        continue;
      }
      tasks.add(new DeliveryTask(id, msg.id(), ep.id(), msg.appId(), msg.eventType(), msg.payload(), 0, false,
          lease, msg.subject(), msg.sequence()));
    }
    return new Outcome.Accepted(msg, tasks, leftInTable, false);
  }

  private List<Endpoint> matching(Handle h, Message msg) {
    List<Endpoint> matching = new ArrayList<>();
    for (Endpoint ep : endpoints.enabledIn(h, msg.appId())) {
      if (ep.accepts(msg.eventType(), msg.channels())) {
        matching.add(ep);
      }
    }
    return matching;
  }

  /**
   * Creates the deliveries of stored messages that have no subject, all in one batch: one per matching endpoint,
   * or a pending fan-out ({@link FanOut}) for a message that matches more than {@link FanOut#INLINE_MAX}.
   */
  private List<Outcome> deliver(Handle h, List<Plain> items) {
    List<DeliveryRepository.NewDelivery> rows = new ArrayList<>();
    int[] rowsOf = new int[items.size()]; // how many of the rows are each message's; -1: fanned out
    for (int i = 0; i < items.size(); i++) {
      Plain p = items.get(i);
      Message msg = p.message();
      List<Endpoint> matching = matching(h, msg);
      if (matching.size() > FanOut.INLINE_MAX) {
        FanOut.pending(h, msg.id(), msg.createdAt());
        rowsOf[i] = -1;
        continue;
      }
      for (Endpoint ep : matching) {
        // Claimed now and sent from memory when this process has room for it; otherwise the poller claims it.
        Long claim = dispatcher.hasRoom(ep.id()) ? p.lease() : null;
        rows.add(new DeliveryRepository.NewDelivery(msg.id(), ep.id(), msg.appId(), msg.createdAt(), claim,
            dispatcher.claimToken()));
      }
      rowsOf[i] = matching.size();
    }
    long[] ids = DeliveryRepository.insertAll(h, db.dialect(), rows);
    List<Outcome> outcomes = new ArrayList<>(items.size());
    int row = 0;
    for (int i = 0; i < items.size(); i++) {
      Message msg = items.get(i).message();
      if (rowsOf[i] < 0) {
        outcomes.add(new Outcome.Accepted(msg, List.of(), false, true));
        continue;
      }
      List<DeliveryTask> tasks = new ArrayList<>();
      boolean leftInTable = false;
      for (int k = 0; k < rowsOf[i]; k++, row++) {
        DeliveryRepository.NewDelivery r = rows.get(row);
        if (r.leaseUntil() == null) {
          leftInTable = true;
          continue;
        }
        tasks.add(new DeliveryTask(ids[row], msg.id(), r.endpointId(), msg.appId(), msg.eventType(), msg.payload(),
            0, false, r.leaseUntil(), null, null));
      }
      outcomes.add(new Outcome.Accepted(msg, tasks, leftInTable, false));
    }
    return outcomes;
  }
}
