package io.herald.server.delivery;

import io.herald.server.store.Database;
import io.herald.server.store.Ids;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes old history so tables stop growing: messages older than the retention period whose deliveries are all
 * final (with their deliveries and attempts), attempts older than the period, and expired idempotency
 * records. Each statement deletes a bounded batch, so a large backlog never becomes one giant transaction that
 * blocks ingest; batches repeat until nothing is left, then the task sleeps.
 */
public final class Retention implements AutoCloseable {
  static final int BATCH = 500;
  static final Duration IDEMPOTENCY_TTL = Duration.ofHours(12);
  private static final Logger log = LoggerFactory.getLogger(Retention.class);

  private final Database db;
  private final Clock clock;
  private final Duration keep;
  private final Duration every;
  private volatile boolean running = true;
  private Thread thread;

  public Retention(Database db, Clock clock, Duration keep, Duration every) {
    this.db = db;
    this.clock = clock;
    this.keep = keep;
    this.every = every;
  }

  public void start() {
    if (keep.isZero()) {
      return;
    }
    thread = Thread.ofPlatform().daemon().name("herald-retention").start(() -> {
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
    int n;
    do {
      n = db.writes().execute(h -> h.createUpdate("""
              DELETE FROM attempt WHERE id IN (SELECT id FROM attempt WHERE id < :bound LIMIT :batch)""")
          .bind("bound", Ids.lowerBound("atmpt", cutoff)).bind("batch", BATCH).execute());
      total += n;
    } while (n == BATCH && running);
    do {
      n = db.writes().execute(h -> {
        List<String> ids = h.createQuery("""
                SELECT m.id FROM message m WHERE m.id < :bound
                  AND NOT EXISTS (SELECT 1 FROM delivery d WHERE d.msg_id = m.id AND d.status = 1)
                  AND NOT EXISTS (SELECT 1 FROM fanout f WHERE f.msg_id = m.id)
                LIMIT :batch""")
            .bind("bound", Ids.lowerBound("msg", cutoff)).bind("batch", BATCH).mapTo(String.class).list();
        if (ids.isEmpty()) {
          return 0;
        }
        // Their deliveries and attempts first, explicitly: PostgreSQL keeps no foreign keys on them (postgresql/V7).
        h.createUpdate("DELETE FROM attempt WHERE msg_id IN (<ids>)").bindList("ids", ids).execute();
        h.createUpdate("DELETE FROM delivery WHERE msg_id IN (<ids>)").bindList("ids", ids).execute();
        return h.createUpdate("DELETE FROM message WHERE id IN (<ids>)").bindList("ids", ids).execute();
      });
      total += n;
    } while (n == BATCH && running);
    long idemCutoff = clock.millis() - IDEMPOTENCY_TTL.toMillis();
    total += db.writes().execute(h -> h.createUpdate("DELETE FROM idempotency WHERE created_at < :cutoff")
        .bind("cutoff", idemCutoff).execute());
    if (total > 0) {
      log.info("retention removed {} old rows", total);
    }
    return total;
  }

  @Override
  public void close() {
    running = false;
    if (thread != null) {
      LockSupport.unpark(thread);
    }
  }
}
