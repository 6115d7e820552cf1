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
 * to that after every batch, and rests between batches so that it takes {@link #SHARE} of the writer's time, more (up
 * to {@link #MAX_SHARE}) only while that is too slow to keep up with history as it ages. A request whose commit
 * carries a batch waits at most one step longer. Each batch continues after the last id the previous one saw, so rows
 * a pass skips (a message still being delivered) and, on PostgreSQL, the dead index entries of rows deleted moments
 * ago are not walked again by every batch.
 */
public final class Retention implements AutoCloseable {
  /** Messages (or attempts) per batch at the start of a pass; then sized to {@link #STEP}. */
  static final int FIRST_BATCH = 100;
  static final int MIN_BATCH = 10;
  static final int MAX_BATCH = 2_000;
  /** A batch's time from submit to commit aimed at: about what a request whose commit carries one waits longer. */
  static final Duration STEP = Duration.ofMillis(5);
  /**
   * Of the writer's time, what a pass takes while it keeps up: it rests (1 - share) / share times as long as each
   * batch ran.
   */
  static final double SHARE = 0.25;
  /**
   * The share a pass may rise to while it walks history less than {@link #KEEP_UP} times as fast as history ages.
   * History ages at the rate its traffic was written, so a pass slower than that never catches up: each starts
   * further behind and the tables grow without bound. At a quarter of the writer's time, PostgreSQL's pass deleted
   * 0.92 times the offered rate after the benchmark's soak (bench S9, full run 20261124-192206).
   */
  static final double MAX_SHARE = 0.5;
  /**
   * How much faster than history ages a pass aims to walk it. A pass starts {@link #every} after the one before
   * ended, so one that walks r times as fast as real time runs every / (r - 1): 1.5 keeps it to two intervals.
   */
  static final double KEEP_UP = 1.5;
  /**
   * What each sweep aims at: a pass walks the same history twice, its attempts and then its messages (attempts
   * first, so that the message sweep's batches do not walk their dead index entries on PostgreSQL), and two sweeps
   * each at twice the pass's aim make the pass's.
   */
  static final double SWEEP_KEEP_UP = KEEP_UP * 2;
  /** How often a pass compares the history it walked with the time that took, and sets its share from that. */
  static final Duration LOOK = Duration.ofSeconds(10);
  static final Duration IDEMPOTENCY_TTL = Duration.ofHours(12);
  private static final Logger log = LoggerFactory.getLogger(Retention.class);

  private final Database db;
  private final Clock clock;
  private final Duration keep;
  private final Duration firstAfter;
  private final Duration every;
  private final Duration look;
  private volatile boolean running = true;
  private Thread thread;

  /** Passes start {@code firstAfter} after {@link #start}, then {@code every} after the end of the one before. */
  public Retention(Database db, Clock clock, Duration keep, Duration firstAfter, Duration every) {
    this(db, clock, keep, firstAfter, every, LOOK);
  }

  /** With how often a pass sets its share ({@link #LOOK}): tests look more often than real passes last. */
  Retention(Database db, Clock clock, Duration keep, Duration firstAfter, Duration every, Duration look) {
    this.db = db;
    this.look = look;
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

  /**
   * What a pass did: the rows it removed, how long it took, how much history it walked in that time (the longer of its
   * sweeps', from the first id a sweep reached to its last), and the share of the writer's time it ended with.
   */
  public record Pass(int removed, Duration took, Duration walked, double share) {
    /**
     * Whether it walked history at least as fast as history ages, or found none to walk. A pass that did not leaves
     * the tables growing.
     */
    public boolean keptUp() {
      return walked.isZero() || walked.compareTo(took) >= 0;
    }
  }

  /** One full pass. */
  public Pass runOnce() {
    long started = System.nanoTime();
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
    Pass pass = new Pass(total, Duration.ofNanos(System.nanoTime() - started), Duration.ofMillis(pace.walkedMillis),
        pace.share);
    if (total > 0) {
      log.info("retention removed {} old rows in {} s over {} s of history, ending at {}% of the writer's time", total,
          pass.took().toSeconds(), pass.walked().toSeconds(), Math.round(pass.share() * 100));
    }
    // Only over a walk long enough to tell: a short pass's few batches say little about its rate.
    if (!pass.keptUp() && pass.took().compareTo(look.multipliedBy(3)) > 0) {
      log.warn("retention walked {} s of old history in {} s, slower than history ages, at {}% of the writer's time:"
              + " the tables will grow; see docs/deployment.md, \"Retention\"", pass.walked().toSeconds(),
          pass.took().toSeconds(), Math.round(pass.share() * 100));
    }
    return pass;
  }

  /** Runs {@code batchAfter}'s batches, each after the last id the one before looked at, until none is left. */
  private int sweep(Pace pace, java.util.function.Function<String, WriteOp<Batch>> batchAfter) {
    int removed = 0;
    String after = "";
    pace.beginSweep();
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

  /** What one batch removed, and the first and last ids it looked at (null: none left below the bound). */
  private record Batch(int removed, String first, String last) {}

  /** Attempts older than the bound, in id order after {@code after}. */
  private static WriteOp<Batch> attemptsAfter(String after, String bound, int size) {
    return h -> {
      List<String> ids = h.createQuery("""
              SELECT id FROM attempt WHERE id > :after AND id < :bound ORDER BY id LIMIT :size""")
          .bind("after", after).bind("bound", bound).bind("size", size).mapTo(String.class).list();
      if (ids.isEmpty()) {
        return new Batch(0, null, null);
      }
      return new Batch(h.createUpdate("DELETE FROM attempt WHERE id IN (<ids>)").bindList("ids", ids).execute(),
          ids.get(0), ids.get(ids.size() - 1));
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
        return new Batch(0, null, null);
      }
      List<String> ids = h.createQuery("""
              SELECT m.id FROM message m WHERE m.id IN (<ids>)
                AND NOT EXISTS (SELECT 1 FROM delivery d WHERE d.msg_id = m.id AND d.status = 1)
                AND NOT EXISTS (SELECT 1 FROM fanout f WHERE f.msg_id = m.id)""")
          .bindList("ids", scanned).mapTo(String.class).list();
      String first = scanned.get(0);
      String last = scanned.get(scanned.size() - 1);
      if (ids.isEmpty()) {
        return new Batch(0, first, last);
      }
      // Their deliveries and attempts first, explicitly: PostgreSQL keeps no foreign keys on them (postgresql/V7).
      h.createUpdate("DELETE FROM attempt WHERE msg_id IN (<ids>)").bindList("ids", ids).execute();
      h.createUpdate("DELETE FROM delivery WHERE msg_id IN (<ids>)").bindList("ids", ids).execute();
      return new Batch(h.createUpdate("DELETE FROM message WHERE id IN (<ids>)").bindList("ids", ids).execute(), first,
          last);
    };
  }

  /**
   * Runs batches as background writes, sizes the next one so that it takes about {@link #STEP} from submit to commit,
   * and rests after each so that batches take their share of the time. Timed to the commit, not to the statements: on
   * the embedded store a batch's commit writes every page its deletes touched, and timed to its statements alone,
   * batches grew until a commit held the writer for up to 100 ms (bench S9). Every {@link #look} it compares the
   * history its batches walked (the time in the ids they reached) with the time that took, and sets the share.
   */
  private final class Pace {
    int size = FIRST_BATCH;
    double share = SHARE;
    /** The longest walk of a sweep so far, in milliseconds of history. */
    long walkedMillis;
    /** The creation time of the first id this sweep reached (-1: none yet). */
    private long sweepMillis = -1;
    /** Where the current look began: its time, and the creation time of the id reached then (-1: none yet). */
    private long lookNanos;
    private long lookMillis = -1;

    /** A sweep starts again from the oldest ids, so its walk is measured from its own first batch. */
    void beginSweep() {
      sweepMillis = -1;
      lookMillis = -1;
    }

    Batch run(WriteOp<Batch> op) {
      long start = System.nanoTime();
      Batch b = db.writes().executeInBackground(op);
      long now = System.nanoTime();
      long took = now - start;
      size = nextSize(size, took);
      if (b.last != null) {
        walk(start, now, Ids.millisOf(b.first), Ids.millisOf(b.last));
        if (running) {
          LockSupport.parkNanos(restAfter(took, share));
        }
      }
      return b;
    }

    /** After a batch that ran from {@code start} to {@code now} over ids made from {@code first} to {@code reached}. */
    private void walk(long start, long now, long first, long reached) {
      if (first < 0 || reached < 0) {
        return; // not Herald's ids: no time to read, so this batch does not count
      }
      if (sweepMillis < 0) {
        sweepMillis = first;
      }
      walkedMillis = Math.max(walkedMillis, reached - sweepMillis);
      if (lookMillis < 0) {
        lookNanos = start;
        lookMillis = first;
      }
      if (now - lookNanos >= look.toNanos()) {
        share = nextShare(share, (reached - lookMillis) / ((now - lookNanos) / 1e6));
        lookNanos = now;
        lookMillis = reached;
      }
    }
  }

  /**
   * The share after a look in which a sweep walked history {@code pace} times as fast as it ages: scaled toward
   * {@link #SWEEP_KEEP_UP} (a sweep's rate is about proportional to its share while the writer has room), within
   * {@link #SHARE} and {@link #MAX_SHARE}.
   */
  static double nextShare(double share, double pace) {
    if (pace <= 0) {
      return MAX_SHARE;
    }
    return Math.clamp(share * SWEEP_KEEP_UP / pace, SHARE, MAX_SHARE);
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

  /** The rest after a batch that took {@code tookNanos}, so that batches take {@code share} of the time. */
  static long restAfter(long tookNanos, double share) {
    return (long) (tookNanos * (1 - share) / share);
  }

  @Override
  public void close() {
    running = false;
    if (thread != null) {
      LockSupport.unpark(thread);
    }
  }
}
