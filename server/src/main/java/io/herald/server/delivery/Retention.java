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
 * records. A delivery's first attempt is kept in the delivery's row ({@link AttemptRepository}) and goes with it.
 *
 * <p>A pass shares the writer with ingest, and deleting a message costs about what writing it did (its rows and their
 * index entries), so an unpaced pass starves ingest: over one minute of month-old traffic at half of S1's rate, producers' p99 was
 * 1,024 ms on the embedded store and 46 s on PostgreSQL (bench S9, docs/performance.md). So a pass deletes in small batches,
 * each its own background write (requests' writes go first) taking about {@link #STEP} to its commit, its size adjusted
 * to that after every batch, and rests between batches so that it takes at most {@link #SHARE} of the writer's time. A
 * request whose commit carries a batch waits at most one step longer. Each batch continues after the last id the
 * previous one saw, so rows a pass skips (a message still being delivered) and, on PostgreSQL, the dead index entries
 * of rows deleted moments ago are not walked again by every batch.
 *
 * <p>A pass must also keep up: history ages as fast as it was written, so a pass that walks it more slowly than real
 * time starts every pass further behind, and the tables grow until the disk is full. Each pass compares the history it
 * covered with the time it took and warns when it fell behind. It does not take more of the writer to catch up: with up
 * to half of it, the embedded store's pass kept no further ahead of its traffic (1.68 times the offered rate, against
 * 1.76 at a quarter) and producers' p99 during it was 136 ms against 13 (bench S9, 225454 against 214428). On
 * PostgreSQL what made the pass keep up was fewer checkpoints (docs/deployment.md, "Retention").
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

  /**
   * What a pass did: the rows it removed, how long it took, and how much history it covered: from the oldest id a
   * sweep found to the cutoff, the longer of its two sweeps' (zero if it found none). Once Herald has run longer than
   * its retention, that is the time since the previous pass's cutoff.
   */
  public record Pass(int removed, Duration took, Duration covered) {
    /**
     * Whether it covered history at least as fast as history ages, or found none. A pass that did not leaves the
     * tables growing.
     */
    public boolean keptUp() {
      return covered.isZero() || covered.compareTo(took) >= 0;
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
    Sweep attempts = sweep(pace, after -> attemptsAfter(after, attemptBound, pace.size));
    Sweep messages = sweep(pace, after -> messagesAfter(after, messageBound, pace.size));
    total += attempts.removed + messages.removed;
    long idemCutoff = clock.millis() - IDEMPOTENCY_TTL.toMillis();
    total += db.writes().execute(h -> h.createUpdate("DELETE FROM idempotency WHERE created_at < :cutoff")
        .bind("cutoff", idemCutoff).execute());
    long oldest = Math.min(attempts.oldestMillis, messages.oldestMillis);
    Pass pass = new Pass(total, Duration.ofNanos(System.nanoTime() - started),
        Duration.ofMillis(oldest == Long.MAX_VALUE ? 0 : Math.max(0, cutoff - oldest)));
    if (total > 0) {
      log.info("retention removed {} old rows in {} s, covering {} s of history", total, seconds(pass.took()),
          seconds(pass.covered()));
    }
    if (!pass.keptUp()) {
      log.warn("retention covered {} s of old history in {} s, slower than history ages: the tables will grow;"
          + " see docs/deployment.md, \"Retention\"", seconds(pass.covered()), seconds(pass.took()));
    }
    return pass;
  }

  private static String seconds(Duration d) {
    return String.format(java.util.Locale.ROOT, "%.1f", d.toMillis() / 1000.0);
  }

  /** What a sweep removed, and the creation time of the oldest id it found (Long.MAX_VALUE: none it could read). */
  private record Sweep(int removed, long oldestMillis) {}

  /** Runs {@code batchAfter}'s batches, each after the last id the one before looked at, until none is left. */
  private Sweep sweep(Pace pace, java.util.function.Function<String, WriteOp<Batch>> batchAfter) {
    int removed = 0;
    long oldest = Long.MAX_VALUE;
    String after = "";
    while (running) {
      Batch b = pace.run(batchAfter.apply(after));
      removed += b.removed;
      if (b.last == null) {
        break;
      }
      if (after.isEmpty()) {
        oldest = Ids.millisOf(b.first); // ids sort by creation time: the first batch's first is the oldest
        oldest = oldest < 0 ? Long.MAX_VALUE : oldest;
      }
      after = b.last;
    }
    return new Sweep(removed, oldest);
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
