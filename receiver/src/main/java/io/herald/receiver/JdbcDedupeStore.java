package io.herald.receiver;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * A {@link DedupeStore} in a SQL table, shared by every instance of your service that uses the same database.
 *
 * <pre>{@code
 * JdbcDedupeStore dedupe = new JdbcDedupeStore(dataSource, "herald_seen");
 * // daily: forget ids older than the sender's retry window
 * dedupe.purgeOlderThan(Instant.now().minus(Duration.ofDays(7)));
 * }</pre>
 *
 * <p>The table is created if missing, with portable SQL:
 *
 * <pre>{@code
 * CREATE TABLE herald_seen (webhook_id VARCHAR(255) NOT NULL PRIMARY KEY, seen_at BIGINT NOT NULL)
 * }</pre>
 *
 * <p>Create it yourself beforehand where that DDL does not fit (for example {@code NUMBER(19)} on Oracle); the store
 * only needs those two columns. {@code seen_at} is epoch milliseconds. Ids longer than 255 characters are stored as
 * {@code sha256:<hex>}.
 *
 * <p>{@link #firstSeen} is a single {@code INSERT}: the primary key makes it atomic across threads and processes, and
 * a unique violation (SQLState class 23, or the driver's vendor code) means "duplicate". Nothing expires by itself:
 * call {@link #purgeOlderThan} on a schedule.
 *
 * @since 0.1
 */
public final class JdbcDedupeStore implements DedupeStore {
  private final DataSource dataSource;
  private final String table;
  private final Clock clock;

  /** Uses (and creates if missing) {@code tableName}. */
  public JdbcDedupeStore(DataSource dataSource, String tableName) {
    this(dataSource, tableName, Clock.systemUTC());
  }

  /**
   * A store with an explicit clock.
   *
   * @param dataSource where the table lives; each call borrows one connection
   * @param tableName a plain identifier, optionally schema-qualified
   * @param clock stamps {@code seen_at}
   * @throws StoreException if the table is missing and cannot be created
   */
  public JdbcDedupeStore(DataSource dataSource, String tableName, Clock clock) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    this.table = Jdbc.checkTableName(tableName);
    this.clock = Objects.requireNonNull(clock, "clock");
    Jdbc.ensureTable(dataSource, table,
        "CREATE TABLE " + table + " (webhook_id VARCHAR(255) NOT NULL PRIMARY KEY, seen_at BIGINT NOT NULL)");
  }

  @Override
  public boolean firstSeen(String webhookId) {
    String key = Jdbc.key(Objects.requireNonNull(webhookId, "webhookId"));
    long now = clock.millis();
    try {
      return Jdbc.run(dataSource, true, c -> {
        try (PreparedStatement insert =
            c.prepareStatement("INSERT INTO " + table + " (webhook_id, seen_at) VALUES (?, ?)")) {
          insert.setString(1, key);
          insert.setLong(2, now);
          insert.executeUpdate();
          return true;
        } catch (SQLException e) {
          if (Jdbc.isUniqueViolation(e)) {
            return false;
          }
          throw e;
        }
      });
    } catch (SQLException e) {
      throw new StoreException("could not record webhook id in " + table, e);
    }
  }

  @Override
  public void forget(String webhookId) {
    String key = Jdbc.key(Objects.requireNonNull(webhookId, "webhookId"));
    update("DELETE FROM " + table + " WHERE webhook_id = ?", key);
  }

  /**
   * Deletes ids first seen before {@code cutoff}. Once deleted, a late retry of such a message is processed again,
   * so keep ids longer than the sender's retry window.
   *
   * @return how many ids were deleted
   */
  public int purgeOlderThan(Instant cutoff) {
    return update("DELETE FROM " + table + " WHERE seen_at < ?", cutoff.toEpochMilli());
  }

  private int update(String sql, Object parameter) {
    try {
      return Jdbc.run(dataSource, true, c -> {
        try (PreparedStatement statement = c.prepareStatement(sql)) {
          statement.setObject(1, parameter);
          return statement.executeUpdate();
        }
      });
    } catch (SQLException e) {
      throw new StoreException("could not update " + table, e);
    }
  }
}
