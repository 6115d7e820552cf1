package io.herald.server.delivery;

import io.herald.server.store.Database;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Extends every claim a process holds, a third of a lease at a time, with one statement. A live process thus keeps
 * what it holds however long it waits in memory, while the claims of a dead or frozen one expire within one lease and
 * are taken over by another process.
 */
final class LeaseRenewer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LeaseRenewer.class);

  /** Through the partial index delivery_claim (V5): without it, a scan of the whole table in the writer. */
  static final String RENEW =
      "UPDATE delivery SET lease_until = :lease WHERE claim_token = :token AND lease_until IS NOT NULL";

  private final Database db;
  private final String claimToken;
  private final Duration lease;
  private final Clock clock;
  private final AtomicLong renewedUntil = new AtomicLong();
  private volatile boolean running = true;
  private final Thread thread;

  LeaseRenewer(Database db, String claimToken, Duration lease, Clock clock) {
    this.db = db;
    this.claimToken = claimToken;
    this.lease = lease;
    this.clock = clock;
    this.thread = Thread.ofPlatform().daemon().name("herald-lease").start(this::run);
  }

  /** Until when every claim held at the last renewal is valid; 0 before the first. */
  long renewedUntil() {
    return renewedUntil.get();
  }

  private void run() {
    long every = lease.toMillis() / 3;
    while (running) {
      LockSupport.parkNanos(every * 1_000_000);
      if (!running) {
        return;
      }
      long until = clock.millis() + lease.toMillis();
      try {
        db.writes().execute(h -> h.createUpdate(RENEW).bind("lease", until).bind("token", claimToken).execute());
        renewedUntil.set(until);
      } catch (RuntimeException e) {
        log.warn("renewing claims failed; they expire at their lease: {}", e.getMessage());
      }
    }
  }

  @Override
  public void close() {
    running = false;
    LockSupport.unpark(thread);
  }
}
