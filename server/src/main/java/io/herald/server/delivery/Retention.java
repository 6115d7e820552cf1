package io.herald.server.delivery;

import io.herald.server.store.Database;
import io.herald.server.store.Ids;
import io.herald.server.store.WriteOp;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes old history so tables stop growing: messages older than the retention period whose deliveries are all
 * final (with their deliveries and attempts), attempts older than the period, and expired idempotency
 * records.
 *
 * <p>A pass shares the writer with ingest, and deleting a message costs about what writing it did (its rows and their
 * index entries), so an unpaced pass starves ingest: over one minute of month-old traffic at half of S1's rate, producers' p99 was
 * 1,024 ms on the embedded store and 46 s on PostgreSQL (bench S9, docs/performance.md). So a pass deletes in small batches,
 * each its own background write (requests' writes go first) taking about {@link #STEP} to its commit, its size adjusted
 * to that after every batch, and rests between batches so that it takes at most {@link #SHARE} of the writer's time. A
 * request whose commit carries a batch waits at most one step longer. Each batch continues after the last id the
 * previous one saw, so rows a pass skips (a message still being delivered) and, on PostgreSQL, the dead index entries
 * of rows deleted moments ago are not walked again by every batch.
 */
public final class Retention implements AutoCloseable {
  /** Messages (or attempts) per batch at the start of a pass; then sized to {@link #STEP}. */
  static final int FIRST_BATCH = 100;
  static final int MIN_BATCH = 10;
  static final int MAX_BATCH = 2_000;
  /** A batch's time from submit to commit aimed at: about what a request whose commit carries one waits longer. */
  static final Duration STEP = Duration.ofMillis(5);
  /** Of the writer's time, the most a pass takes: it rests (1 - SHARE) / SHARE times as long as each batch ran. */
  static final double SHARE = 0.25;
  static final Duration IDEMPOTENCY_TTL = Duration.ofHours(12);
  private static final Logger log = LoggerFactory.getLogger(Retention.class);

  private final Database db;
  private final Clock clock;
  private final Duration keep;
  private final Duration firstAfter;
  private final Duration every;
  private volatile boolean running = true;
  private Thread thread;

  /** Passes start {@code firstAfter} after {@link #start}, then {@code every} after the end of the one before. */
  public Retention(Database db, Clock clock, Duration keep, Duration firstAfter, Duration every) {
    this.db = db;
    this.clock = clock;
    this.keep = keep;
    this.firstAfter = firstAfter;
    this.every = every;
  }

  public void start() {
    if (keep.isZero()) {
      return;
    }
    thread = Thread.ofPlatform().daemon().name("herald-retention").start(() -> {
      LockSupport.parkNanos(firstAfter.toNanos());
      while (running) {
        try {
          runOnce();
        } catch (RuntimeException e) {
          log.warn("retention pass failed, trying again later: {}", e.getMessage());
        }
        LockSupport.parkNanos(every.toNanos());
      }
    });
  }

  /** One full pass; returns the rows removed. */
  public int runOnce() {
    long cutoff = clock.millis() - keep.toMillis();
    int total = 0;
    Pace pace = new Pace();
    String attemptBound = Ids.lowerBound("atmpt", cutoff);
    String messageBound = Ids.lowerBound("msg", cutoff);
    total += sweep(pace, after -> attemptsAfter(after, attemptBound, pace.size));
    total += sweep(pace, after -> messagesAfter(after, messageBound, pace.size));
    long idemCutoff = clock.millis() - IDEMPOTENCY_TTL.toMillis();
    total += db.writes().execute(h -> h.createUpdate("DELETE FROM idempotency WHERE created_at < :cutoff")
        .bind("cutoff", idemCutoff).execute());
    if (total > 0) {
      log.info("retention removed {} old rows", total);
    }
    return total;
  }

  /** Runs {@code batchAfter}'s batches, each after the last id the one before looked at, until none is left. */
  private int sweep(Pace pace, java.util.function.Function<String, WriteOp<Batch>> batchAfter) {
    int removed = 0;
    String after = "";
    while (running) {
      Batch b = pace.run(batchAfter.apply(after));
      removed += b.removed;
      if (b.last == null) {
        break;
      }
      after = b.last;
    }
    return removed;
  }

  /** What one batch removed, and the last id it looked at (null: none left below the bound). */
  private record Batch(int removed, String last) {}

  /** Attempts older than the bound, in id order after {@code after}. */
  private static WriteOp<Batch> attemptsAfter(String after, String bound, int size) {
    return h -> {
      List<String> ids = h.createQuery("""
              SELECT id FROM attempt WHERE id > :after AND id < :bound ORDER BY id LIMIT :size""")
          .bind("after", after).bind("bound", bound).bind("size", size).mapTo(String.class).list();
      if (ids.isEmpty()) {
        return new Batch(0, null);
      }
      return new Batch(h.createUpdate("DELETE FROM attempt WHERE id IN (<ids>)").bindList("ids", ids).execute(),
          ids.get(ids.size() - 1));
    };
  }

  /**
   * Messages older than the bound whose deliveries are all final and whose fan-out is done, with their deliveries
   * and attempts, in id order after {@code after}. The last id looked at is the last message scanned, kept or not.
   */
  private static WriteOp<Batch> messagesAfter(String after, String bound, int size) {
    return h -> {
      List<String> scanned = h.createQuery("""
              SELECT id FROM message WHERE id > :after AND id < :bound ORDER BY id LIMIT :size""")
          .bind("after", after).bind("bound", bound).bind("size", size).mapTo(String.class).list();
      if (scanned.isEmpty()) {
        return new Batch(0, null);
      }
      List<String> ids = h.createQuery("""
              SELECT m.id FROM message m WHERE m.id IN (<ids>)
                AND NOT EXISTS (SELECT 1 FROM delivery d WHERE d.msg_id = m.id AND d.status = 1)
                AND NOT EXISTS (SELECT 1 FROM fanout f WHERE f.msg_id = m.id)""")
          .bindList("ids", scanned).mapTo(String.class).list();
      String last = scanned.get(scanned.size() - 1);
      if (ids.isEmpty()) {
        return new Batch(0, last);
      }
      // Their deliveries and attempts first, explicitly: PostgreSQL keeps no foreign keys on them (postgresql/V7).
      h.createUpdate("DELETE FROM attempt WHERE msg_id IN (<ids>)").bindList("ids", ids).execute();
      h.createUpdate("DELETE FROM delivery WHERE msg_id IN (<ids>)").bindList("ids", ids).execute();
      return new Batch(h.createUpdate("DELETE FROM message WHERE id IN (<ids>)").bindList("ids", ids).execute(), last);
    };
  }

  /**
   * Runs batches as background writes, sizes the next one so that it takes about {@link #STEP} from submit to commit,
   * and rests after each so that batches take at most {@link #SHARE} of the time. Timed to the commit, not to the
   * statements: on the embedded store a batch's commit writes every page its deletes touched, and timed to its
   * statements alone, batches grew until a commit held the writer for up to 100 ms (bench S9).
   */
  private final class Pace {
    int size = FIRST_BATCH;

    Batch run(WriteOp<Batch> op) {
      long start = System.nanoTime();
      Batch b = db.writes().executeInBackground(op);
      long took = System.nanoTime() - start;
      size = nextSize(size, took);
      if (b.last != null && running) {
        LockSupport.parkNanos(restAfter(took));
      }
      return b;
    }
  }

  /** The next batch's size after one of {@code size} took {@code tookNanos}: doubled or halved toward {@link #STEP}. */
  static int nextSize(int size, long tookNanos) {
    long step = STEP.toNanos();
    if (tookNanos < step / 2) {
      return Math.min(MAX_BATCH, size * 2);
    }
    if (tookNanos > step * 2) {
      return Math.max(MIN_BATCH, size / 2);
    }
    return size;
  }

  /** The rest after a batch that took {@code tookNanos}, so that batches take {@link #SHARE} of the time. */
  static long restAfter(long tookNanos) {
    return (long) (tookNanos * (1 - SHARE) / SHARE);
  }

  @Override
  public void close() {
    running = false;
    if (thread != null) {
      LockSupport.unpark(thread);
    }
  }
}
