package io.herald.bench.baseline;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * PostgreSQL durable commits per second (synchronous_commit=on, fsync=on): one-row INSERTs in autocommit, on one
 * connection, then on sixteen at once, where PostgreSQL's group commit lets one WAL flush cover several commits.
 */
public final class PgCommitRate {
  private PgCommitRate() {}

  public static Map<String, Object> measure(String url, double seconds) throws SQLException, InterruptedException {
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS commit_probe (id bigserial PRIMARY KEY, v text NOT NULL)");
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("oneConnectionCommitsPerSecond", run(url, 1, seconds));
    out.put("sixteenConnectionsCommitsPerSecond", run(url, 16, seconds));
    out.put("method", "INSERT of one 64-byte row per autocommit transaction");
    return out;
  }

  private static double run(String url, int connections, double seconds) throws InterruptedException {
    AtomicLong commits = new AtomicLong();
    long start = System.nanoTime();
    long deadline = start + (long) (seconds * 1e9);
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < connections; i++) {
      threads.add(Thread.ofPlatform().daemon().start(() -> {
        try (Connection c = DriverManager.getConnection(url);
             PreparedStatement ps = c.prepareStatement("INSERT INTO commit_probe (v) VALUES (?)")) {
          ps.setString(1, "x".repeat(64));
          while (System.nanoTime() < deadline) {
            ps.executeUpdate();
            commits.incrementAndGet();
          }
        } catch (SQLException e) {
          // a failed connection just commits nothing more
        }
      }));
    }
    for (Thread t : threads) {
      t.join((long) (seconds * 1000) + 30_000);
    }
    return commits.get() / ((System.nanoTime() - start) / 1e9);
  }
}
