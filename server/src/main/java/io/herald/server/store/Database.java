package io.herald.server.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.herald.server.config.HeraldConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;

/**
 * The store: connection pools, migrations and the group-commit writer.
 *
 * <p>The embedded store is SQLite in WAL mode with {@code synchronous=FULL}, so a commit returns only after the WAL is
 * fsync'd: an accepted message survives SIGKILL and power loss. SQLite allows one writer, so writes go through a
 * single-connection pool drained by {@link WriteQueue}, while reads use their own pool and never wait for writes.
 */
public final class Database implements AutoCloseable {
  private final Dialect dialect;
  private final HikariDataSource writePool;
  private final HikariDataSource readPool;
  private final Jdbi reads;
  private final WriteQueue writes;
  private final FileChannel lockChannel;
  private final FileLock lock;

  private Database(Dialect dialect, HikariDataSource writePool, HikariDataSource readPool, FileChannel lockChannel,
      FileLock lock, int writerThreads) {
    this.dialect = dialect;
    this.writePool = writePool;
    this.readPool = readPool;
    this.reads = Jdbi.create(readPool);
    this.writes = new WriteQueue(Jdbi.create(writePool), writerThreads);
    this.lockChannel = lockChannel;
    this.lock = lock;
  }

  public static Database open(HeraldConfig config) {
    return config.embeddedStore() ? openSqlite(config.dataDir()) : openPostgres(config);
  }

  /**
   * PostgreSQL: one pool shared by reads and writes, and {@code HERALD_DATABASE_WRITERS} group-commit writers (one by
   * default: one writer batches far more per commit than several, 0.06-0.08 commits per delivery at saturation
   * against 0.75 with three, at less CPU on both sides; more writers help when each statement waits on a network
   * round trip). Several Herald processes may share the database.
   */
  private static Database openPostgres(HeraldConfig config) {
    HikariConfig hc = new HikariConfig();
    hc.setPoolName("herald-pg");
    hc.setJdbcUrl(config.databaseUrl());
    if (!config.databaseUser().isBlank()) {
      hc.setUsername(config.databaseUser());
    }
    if (!config.databasePassword().isBlank()) {
      hc.setPassword(config.databasePassword());
    }
    hc.setMaximumPoolSize(config.databasePoolSize());
    hc.setMinimumIdle(Math.min(2, config.databasePoolSize()));
    hc.setConnectionTimeout(5_000);
    // Start even while the database is down; the API answers 503 until it is back.
    hc.setInitializationFailTimeout(-1);
    hc.addDataSourceProperty("reWriteBatchedInserts", "true");
    hc.addDataSourceProperty("tcpKeepAlive", "true");
    HikariDataSource pool = new HikariDataSource(hc);
    try {
      migrate(pool, Dialect.POSTGRES);
    } catch (RuntimeException e) {
      pool.close();
      throw new IllegalStateException("cannot migrate the PostgreSQL database at HERALD_DATABASE_URL: "
          + rootMessage(e), e);
    }
    return new Database(Dialect.POSTGRES, pool, pool, null, null, config.databaseWriters());
  }

  /** Applies pending migrations of {@code dialect} to the database behind {@code pool}. */
  static void migrate(HikariDataSource pool, Dialect dialect) {
    Flyway.configure()
        .dataSource(pool)
        .locations("classpath:" + dialect.migrations)
        .load()
        .migrate();
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage();
  }

  private static Database openSqlite(Path dataDir) {
    FileChannel channel = null;
    FileLock lock;
    try {
      Files.createDirectories(dataDir);
      channel = FileChannel.open(dataDir.resolve("herald.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      try {
        lock = channel.tryLock();
      } catch (java.nio.channels.OverlappingFileLockException e) {
        lock = null; // held by this very JVM (another server started in-process)
      }
      if (lock == null) {
        channel.close();
        throw new IllegalStateException("another Herald process is using " + dataDir.toAbsolutePath()
            + "; stop it or set HERALD_DATA_DIR to another directory");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot use data directory " + dataDir.toAbsolutePath()
          + " (HERALD_DATA_DIR): " + e.getMessage(), e);
    }
    String url = "jdbc:sqlite:" + dataDir.resolve("herald.db").toAbsolutePath();
    // The writer touches the same index pages commit after commit: keep them cached (16 MB; SQLite's default 2 MB).
    // The log is checkpointed by the writer itself, at SQLite's default 1,000 pages: a checkpoint from another
    // thread cannot keep up with a busy writer (the log only restarts once fully copied back), so the log grew until
    // a blocking checkpoint stalled the writer for 130 ms at a time (measured, then removed).
    // temp_store=MEMORY: statement journals and RETURNING's results otherwise spill to files in /var/tmp, created,
    // written and unlinked by the writer (two a second at S1's rate, 50-200 pwrite calls each; seen with strace).
    HikariDataSource writePool = sqlitePool(url, "herald-write", 1,
        Map.of("cache_size", "-16384", "temp_store", "MEMORY"));
    HikariDataSource readPool = sqlitePool(url, "herald-read", 4, Map.of());
    migrate(writePool, Dialect.SQLITE);
    return new Database(Dialect.SQLITE, writePool, readPool, channel, lock, 1);
  }

  private static HikariDataSource sqlitePool(String url, String name, int size, Map<String, String> pragmas) {
    HikariConfig hc = new HikariConfig();
    hc.setPoolName(name);
    hc.setJdbcUrl(url);
    hc.setMaximumPoolSize(size);
    hc.setMinimumIdle(size);
    // synchronous=FULL: in WAL mode NORMAL would skip the fsync at commit and lose the last commits on power loss.
    hc.addDataSourceProperty("journal_mode", "WAL");
    hc.addDataSourceProperty("synchronous", "FULL");
    hc.addDataSourceProperty("foreign_keys", "true");
    hc.addDataSourceProperty("busy_timeout", "10000");
    pragmas.forEach(hc::addDataSourceProperty);
    return new HikariDataSource(hc);
  }

  /** The pool, for the few callers that need a raw connection (PostgreSQL LISTEN). */
  public javax.sql.DataSource dataSource() {
    return writePool;
  }

  public Dialect dialect() {
    return dialect;
  }

  /** Reads run here, concurrently with the writer. */
  public Jdbi reads() {
    return reads;
  }

  /** Every write goes through the group-commit queue. */
  public WriteQueue writes() {
    return writes;
  }

  @Override
  public void close() {
    writes.close();
    readPool.close();
    if (writePool != readPool) {
      writePool.close();
    }
    try {
      if (lock != null) {
        lock.release();
      }
      if (lockChannel != null) {
        lockChannel.close();
      }
    } catch (IOException ignored) {
      // the OS releases the lock with the process anyway
    }
  }
}
