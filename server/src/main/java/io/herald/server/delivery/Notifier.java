package io.herald.server.delivery;

import io.herald.server.store.Database;
import io.herald.server.store.Dialect;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wakes idle Herald processes when work appears that they could take. On PostgreSQL this is LISTEN/NOTIFY on one
 * channel, debounced on both sides: a burst of ingests costs at most one NOTIFY per {@link #DEBOUNCE_MS} per
 * process, and a burst of notifications one wake-up. The slow poll stays as the fallback, so a lost notification
 * (the listener reconnecting, say) only delays work by one poll interval. The debounce has a trailing edge: work
 * that appears during a window is announced when the window ends, never swallowed until the next poll. With one process (the embedded store) there
 * is nobody to tell, and this does nothing.
 */
public final class Notifier implements AutoCloseable {
  static final String CHANNEL = "herald_delivery";
  static final long DEBOUNCE_MS = 50;
  private static final Logger log = LoggerFactory.getLogger(Notifier.class);

  private final Database db;
  private final boolean enabled;
  private final AtomicLong lastPublished = new AtomicLong();
  private final AtomicBoolean trailing = new AtomicBoolean();
  private volatile boolean running = true;
  private Thread listener;

  public Notifier(Database db) {
    this.db = db;
    this.enabled = db.dialect() == Dialect.POSTGRES;
  }

  /** Listens for other processes' notifications and runs {@code onWork} (debounced) for each burst. */
  public void listen(Runnable onWork) {
    if (!enabled) {
      return;
    }
    listener = Thread.ofPlatform().daemon().name("herald-listen").start(() -> {
      while (running) {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
          s.execute("LISTEN " + CHANNEL);
          PGConnection pg = c.unwrap(PGConnection.class);
          while (running) {
            PGNotification[] got = pg.getNotifications(500);
            if (got != null && got.length > 0) {
              onWork.run();
            }
          }
        } catch (SQLException | RuntimeException e) {
          if (running) {
            log.debug("LISTEN connection lost, reconnecting: {}", e.getMessage());
            LockSupport.parkNanos(1_000_000_000L);
          }
        }
      }
    });
  }

  /**
   * Tells other processes there is unclaimed work: at once for the first call of a burst, and once more at the end of
   * the debounce window if further calls came during it, so the burst's last work is announced too.
   */
  public void publish() {
    if (!enabled) {
      return;
    }
    long now = System.currentTimeMillis();
    long last = lastPublished.get();
    if (now - last >= DEBOUNCE_MS && lastPublished.compareAndSet(last, now)) {
      send();
      return;
    }
    if (trailing.compareAndSet(false, true)) {
      CompletableFuture.delayedExecutor(DEBOUNCE_MS, TimeUnit.MILLISECONDS).execute(() -> {
        trailing.set(false);
        lastPublished.set(System.currentTimeMillis());
        send();
      });
    }
  }

  private void send() {
    db.writes().submit(h -> h.execute("SELECT pg_notify('" + CHANNEL + "', '')"));
  }

  @Override
  public void close() {
    running = false;
    if (listener != null) {
      listener.interrupt();
    }
  }
}
