package io.herald.server.store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies the embedded store's write-ahead log back into the database file from its own thread, a few times a second.
 *
 * <p>By default SQLite checkpoints inside the commit that pushes the log past 1,000 pages: on the single writer
 * thread, every few dozen group commits at full load, stalling every request waiting on that commit, and writing the
 * same hot pages (the right-most leaves of each index, which every insert touches) again each time. A PASSIVE
 * checkpoint here runs beside the writer without blocking it and writes each hot page once per interval. The
 * writer's own automatic checkpoint stays as a backstop at a much larger size, and a log that still grows past
 * {@link #TRUNCATE_ABOVE_BYTES} (readers kept old snapshots alive) is truncated once they let go.
 */
final class WalCheckpointer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WalCheckpointer.class);
  /** The writer connection's own threshold, in pages: only reached if this thread falls far behind. */
  static final int WRITER_AUTOCHECKPOINT_PAGES = 16_384;
  private static final long TRUNCATE_ABOVE_BYTES = 64L << 20;
  private static final Duration EVERY = Duration.ofMillis(250);

  private final DataSource pool;
  private final Path wal;
  private final Thread thread;
  private volatile boolean running = true;

  WalCheckpointer(DataSource pool, Path databaseFile) {
    this.pool = pool;
    this.wal = databaseFile.resolveSibling(databaseFile.getFileName() + "-wal");
    this.thread = Thread.ofPlatform().daemon().name("herald-checkpoint").start(this::run);
  }

  private void run() {
    while (running) {
      LockSupport.parkNanos(EVERY.toNanos());
      if (!running) {
        return;
      }
      try {
        checkpoint(walBytes() > TRUNCATE_ABOVE_BYTES ? "TRUNCATE" : "PASSIVE");
      } catch (SQLException | RuntimeException e) {
        log.warn("checkpointing the write-ahead log failed; the writer's own checkpoint remains: {}", e.getMessage());
      }
    }
  }

  private long walBytes() {
    try {
      return Files.size(wal);
    } catch (java.io.IOException e) {
      return 0; // not created yet
    }
  }

  private void checkpoint(String mode) throws SQLException {
    try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
      s.execute("PRAGMA wal_checkpoint(" + mode + ")");
    }
  }

  @Override
  public void close() {
    running = false;
    LockSupport.unpark(thread);
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
