package io.herald.server.message;

import io.herald.server.delivery.DeliveryRepository;
import io.herald.server.delivery.DeliveryTask;
import io.herald.server.delivery.Dispatcher;
import io.herald.server.delivery.EndpointCache;
import io.herald.server.delivery.Notifier;
import io.herald.server.endpoint.Endpoint;
import io.herald.server.store.Database;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the deliveries of a message that matches many endpoints after the message is accepted. Inserting a hundred
 * delivery rows in the producer's transaction made every request that shared its commit wait for them (the fan-out
 * benchmark's ingest p99 was 4 to 6 times that of one endpoint per message); now ingest writes the message and
 * one {@code fanout} row, answers, and this class inserts the deliveries in chunks of {@link #CHUNK}, one chunk per
 * commit, handing each chunk's deliveries to the dispatcher like ingest does.
 *
 * <p>Nothing is lost in between: the {@code fanout} row is committed with the message, each chunk moves its cursor
 * ({@code after_endpoint}, in endpoint id order) in the transaction that inserts its deliveries, and the last chunk
 * deletes the row. A row left by a stopped process is expanded by the next start (embedded store) or, after
 * {@link #ORPHAN_AFTER_MS}, by any process (PostgreSQL, where a chunk locks the row with SKIP LOCKED, so two
 * processes never insert the same chunk).
 *
 * <p>The endpoints are those enabled that existed when the message was accepted (created at or before it), as for a
 * message expanded inline. Messages with a subject are always expanded inline: their sequence numbers and ordered
 * delivery depend on deliveries existing in acceptance order.
 */
public final class FanOut implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FanOut.class);
  /** A message matching more endpoints than this gets its deliveries after it is accepted. */
  public static final int INLINE_MAX = 16;
  /**
   * Deliveries inserted per transaction, one transaction at a time. The trade between producers and fan-out speed: in
   * the fan-out benchmark 128 held each commit long enough to double the producers' ingest p99, and 32 created
   * deliveries more slowly than they were sent.
   */
  public static final int CHUNK = 64;
  /** A pending fan-out this old is taken over, whoever accepted it. */
  static final long ORPHAN_AFTER_MS = 10_000;
  private static final long SWEEP_EVERY_MS = 5_000;
  /** Message ids waiting in memory, at most; past it the sweep finds the rest in the table. */
  private static final int QUEUE_CAP = 10_000;

  private final Database db;
  private final Dispatcher dispatcher;
  private final Notifier notifier;
  private final EndpointCache endpoints;
  private final Clock clock;
  private final boolean exclusive;
  private final LinkedBlockingQueue<String> queue = new LinkedBlockingQueue<>(QUEUE_CAP);
  private final Set<String> queued = ConcurrentHashMap.newKeySet();
  private volatile boolean running;
  private Thread thread;

  /** @param exclusive whether this process is the store's only user (embedded store): every row at start is its own */
  public FanOut(Database db, Dispatcher dispatcher, Notifier notifier, EndpointCache endpoints, Clock clock,
      boolean exclusive) {
    this.db = db;
    this.dispatcher = dispatcher;
    this.notifier = notifier;
    this.endpoints = endpoints;
    this.clock = clock;
    this.exclusive = exclusive;
  }

  /** Records, in the ingest transaction, that {@code msgId}'s deliveries are still to be created. */
  static void pending(Handle h, String msgId, long now) {
    h.createUpdate("INSERT INTO fanout (msg_id, after_endpoint, created_at) VALUES (:msg, '', :now)")
        .bind("msg", msgId).bind("now", now).execute();
  }

  public void start() {
    running = true;
    thread = Thread.ofPlatform().daemon().name("herald-fanout").start(this::run);
  }

  /** Expands {@code msgId} soon; called after the commit that stored its {@code fanout} row. */
  public void schedule(String msgId) {
    if (queued.add(msgId) && !queue.offer(msgId)) {
      queued.remove(msgId); // full: the sweep finds it in the table
    }
  }

  /**
   * Writes one chunk at a time, and sends a chunk's deliveries while the writer inserts the next: the next chunk's
   * write is submitted as soon as the previous one has committed, before its deliveries go to the dispatcher. One
   * after the other, the sends (this thread renders, signs and sends a chunk's first attempts) and the wait for the
   * commit added up; in the fan-out benchmark this thread spent a fifth of a core sending between commits.
   */
  private void run() {
    long nextSweep = 0;
    long orphanAge = exclusive ? 0 : ORPHAN_AFTER_MS;
    String msgId = null; // the message whose chunk is being written
    CompletableFuture<Chunk> writing = null;
    while (running) {
      try {
        if (clock.millis() >= nextSweep) {
          sweep(orphanAge);
          orphanAge = ORPHAN_AFTER_MS;
          nextSweep = clock.millis() + SWEEP_EVERY_MS;
        }
        if (writing == null) {
          msgId = queue.poll(SWEEP_EVERY_MS, TimeUnit.MILLISECONDS);
          if (msgId == null) {
            continue;
          }
          writing = write(msgId);
        }
        Chunk chunk;
        try {
          chunk = writing.join();
        } catch (CompletionException e) {
          queued.remove(msgId); // the sweep finds it again
          writing = null;
          throw e.getCause() instanceof RuntimeException re ? re : e;
        }
        if (!running) {
          writing = null; // stopping: the rest is the next start's (or another process's)
        } else if (!chunk.done()) {
          writing = write(msgId);
        } else {
          queued.remove(msgId);
          msgId = queue.poll();
          writing = msgId == null ? null : write(msgId);
        }
        dispatcher.submit(chunk.tasks());
        if (chunk.leftInTable()) {
          notifier.publish();
        }
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        log.warn("creating deliveries failed, trying again in {} s: {}", SWEEP_EVERY_MS / 1000, e.getMessage());
        nextSweep = clock.millis() + SWEEP_EVERY_MS;
      }
    }
  }

  /** Submits the write of {@code msgId}'s next chunk ({@link #chunk}); the future completes after its commit. */
  private CompletableFuture<Chunk> write(String msgId) {
    return db.writes().submit(h -> chunk(h, msgId));
  }

  /** Schedules the oldest pending fan-outs accepted at least {@code minAgeMs} ago. */
  private void sweep(long minAgeMs) {
    List<String> ids = db.reads().withHandle(h -> h.createQuery(
            "SELECT msg_id FROM fanout WHERE created_at <= :before ORDER BY created_at LIMIT :limit")
        .bind("before", clock.millis() - minAgeMs).bind("limit", 1_000).mapTo(String.class).list());
    ids.forEach(this::schedule);
  }

  /** What one chunk did: deliveries claimed for this process, whether others wait unclaimed, whether it was the last. */
  record Chunk(List<DeliveryTask> tasks, boolean leftInTable, boolean done) {}

  /** Inserts the next {@link #CHUNK} deliveries of {@code msgId} and moves its cursor, in the caller's transaction. */
  Chunk chunk(Handle h, String msgId) {
    Optional<String> after = h.createQuery("SELECT after_endpoint FROM fanout WHERE msg_id = :msg"
            + db.dialect().rowLock)
        .bind("msg", msgId).mapTo(String.class).findOne();
    if (after.isEmpty()) {
      return new Chunk(List.of(), false, true); // done, or another process holds it right now
    }
    Message msg = MessageRepository.byId(h, msgId).orElse(null);
    if (msg == null || msg.payload() == null) {
      done(h, msgId); // its content was deleted meanwhile: nothing to send
      return new Chunk(List.of(), false, true);
    }
    List<Endpoint> next = endpoints.enabledIn(h, msg.appId()).stream()
        .filter(ep -> ep.id().compareTo(after.get()) > 0 && ep.createdAt() <= msg.createdAt()
            && ep.accepts(msg.eventType(), msg.channels()))
        .sorted(Comparator.comparing(Endpoint::id))
        .limit(CHUNK + 1)
        .toList();
    boolean last = next.size() <= CHUNK;
    long now = clock.millis();
    long lease = dispatcher.leaseUntil(now);
    List<DeliveryRepository.NewDelivery> rows = new ArrayList<>(CHUNK);
    for (Endpoint ep : last ? next : next.subList(0, CHUNK)) {
      Long claim = dispatcher.hasRoom(ep.id()) ? lease : null;
      rows.add(new DeliveryRepository.NewDelivery(msg.id(), ep.id(), msg.appId(), now, claim,
          dispatcher.claimToken()));
    }
    long[] ids = DeliveryRepository.insertAllIfAbsent(h, db.dialect(), rows);
    List<DeliveryTask> tasks = new ArrayList<>();
    boolean leftInTable = false;
    for (int i = 0; i < ids.length; i++) {
      DeliveryRepository.NewDelivery row = rows.get(i);
      if (ids[i] < 0) {
        continue; // a resend created it first
      }
      if (row.leaseUntil() == null) {
        leftInTable = true;
        continue;
      }
      tasks.add(new DeliveryTask(ids[i], msg.id(), row.endpointId(), msg.appId(), msg.eventType(), msg.payload(), 0,
          false, lease, null, null));
    }
    if (last) {
      done(h, msgId);
    } else {
      h.createUpdate("UPDATE fanout SET after_endpoint = :after WHERE msg_id = :msg")
          .bind("after", next.get(CHUNK - 1).id()).bind("msg", msgId).execute();
    }
    return new Chunk(tasks, leftInTable, last);
  }

  private static void done(Handle h, String msgId) {
    h.createUpdate("DELETE FROM fanout WHERE msg_id = :msg").bind("msg", msgId).execute();
  }

  /** Stops after the chunk in progress; what is left is expanded by the next start or another process. */
  @Override
  public void close() {
    running = false;
    if (thread != null) {
      thread.interrupt();
      try {
        thread.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
