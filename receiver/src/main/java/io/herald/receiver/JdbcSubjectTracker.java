package io.herald.receiver;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * A {@link SubjectTracker} in a SQL table, shared by every instance of your service that uses the same database.
 *
 * <pre>{@code
 * SubjectTracker tracker = new JdbcSubjectTracker(dataSource, "herald_subjects");
 * }</pre>
 *
 * <p>The table is created if missing, with portable SQL (create it yourself where the types do not fit):
 *
 * <pre>{@code
 * CREATE TABLE herald_subjects (subject VARCHAR(255) NOT NULL PRIMARY KEY, last_sequence BIGINT NOT NULL,
 *   ended SMALLINT NOT NULL, previous_sequence BIGINT NOT NULL, previous_ended SMALLINT NOT NULL,
 *   updated_at BIGINT NOT NULL)
 * }</pre>
 *
 * <p>Each observation is one transaction: a compare-and-set {@code UPDATE ... WHERE last_sequence < ? AND ended = 0};
 * if no row changed, a {@code SELECT} tells why, and a subject without a row is {@code INSERT}ed. Two first messages
 * of one subject racing to insert make one fail with a unique violation; that transaction is rolled back and retried,
 * and then sees the other's row. Subjects longer than 255 characters are stored as {@code sha256:<hex>}.
 *
 * @since 0.1
 */
public final class JdbcSubjectTracker implements SubjectTracker {
  private static final int MAX_ATTEMPTS = 20;

  private final DataSource dataSource;
  private final String table;
  private final Clock clock;

  /** Uses (and creates if missing) {@code tableName}. */
  public JdbcSubjectTracker(DataSource dataSource, String tableName) {
    this(dataSource, tableName, Clock.systemUTC());
  }

  /**
   * A tracker with an explicit clock.
   *
   * @param dataSource where the table lives; each call borrows one connection
   * @param tableName a plain identifier, optionally schema-qualified
   * @param clock stamps {@code updated_at}, for {@link #purgeOlderThan}
   * @throws StoreException if the table is missing and cannot be created
   */
  public JdbcSubjectTracker(DataSource dataSource, String tableName, Clock clock) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    this.table = Jdbc.checkTableName(tableName);
    this.clock = Objects.requireNonNull(clock, "clock");
    Jdbc.ensureTable(dataSource, table, "CREATE TABLE " + table + " (subject VARCHAR(255) NOT NULL PRIMARY KEY,"
        + " last_sequence BIGINT NOT NULL, ended SMALLINT NOT NULL, previous_sequence BIGINT NOT NULL,"
        + " previous_ended SMALLINT NOT NULL, updated_at BIGINT NOT NULL)");
  }

  @Override
  public Decision observe(String subject, long sequence, boolean terminal) {
    Decision.checkArguments(subject, sequence);
    String key = Jdbc.key(subject);
    SQLException last = null;
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      try {
        Decision decision = Jdbc.run(dataSource, false, c -> attempt(c, key, sequence, terminal));
        if (decision != null) {
          return decision;
        }
      } catch (SQLException e) {
        if (!Jdbc.isUniqueViolation(e)) {
          throw new StoreException("could not update subject state in " + table, e);
        }
        last = e;
      }
    }
    throw new StoreException("subject state in " + table + " kept changing; gave up after " + MAX_ATTEMPTS
        + " attempts", last);
  }

  /** One transaction; null means "raced with another writer, try again". */
  private Decision attempt(Connection c, String key, long sequence, boolean terminal) throws SQLException {
    long now = clock.millis();
    // previous_* come first: MySQL assigns left to right, everyone else reads the old row either way.
    try (PreparedStatement update = c.prepareStatement("UPDATE " + table + " SET previous_sequence = last_sequence,"
        + " previous_ended = ended, last_sequence = ?, ended = ?, updated_at = ?"
        + " WHERE subject = ? AND last_sequence < ? AND ended = 0")) {
      update.setLong(1, sequence);
      update.setInt(2, terminal ? 1 : 0);
      update.setLong(3, now);
      update.setString(4, key);
      update.setLong(5, sequence);
      if (update.executeUpdate() == 1) {
        return Decision.ACCEPT;
      }
    }
    try (PreparedStatement select =
        c.prepareStatement("SELECT last_sequence, ended FROM " + table + " WHERE subject = ?")) {
      select.setString(1, key);
      try (ResultSet row = select.executeQuery()) {
        if (row.next()) {
          Decision decision = Decision.of(row.getLong(1), row.getInt(2) != 0, sequence);
          return decision.accepted() ? null : decision;
        }
      }
    }
    try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + table + " (subject, last_sequence, ended,"
        + " previous_sequence, previous_ended, updated_at) VALUES (?, ?, ?, 0, 0, ?)")) {
      insert.setString(1, key);
      insert.setLong(2, sequence);
      insert.setInt(3, terminal ? 1 : 0);
      insert.setLong(4, now);
      insert.executeUpdate(); // a unique violation here rolls back and retries
      return Decision.ACCEPT;
    }
  }

  @Override
  public void forget(String subject, long sequence) {
    String key = Jdbc.key(Objects.requireNonNull(subject, "subject"));
    update("UPDATE " + table + " SET last_sequence = previous_sequence, ended = previous_ended, updated_at = ?"
        + " WHERE subject = ? AND last_sequence = ?", clock.millis(), key, sequence);
  }

  /**
   * Deletes subjects not updated since {@code cutoff}. A deleted subject starts over: its next message is accepted
   * even if the subject had ended, so only purge subjects you no longer expect messages for.
   *
   * @return how many subjects were deleted
   */
  public int purgeOlderThan(Instant cutoff) {
    return update("DELETE FROM " + table + " WHERE updated_at < ?", cutoff.toEpochMilli());
  }

  private int update(String sql, Object... parameters) {
    try {
      return Jdbc.run(dataSource, true, c -> {
        try (PreparedStatement statement = c.prepareStatement(sql)) {
          for (int i = 0; i < parameters.length; i++) {
            statement.setObject(i + 1, parameters[i]);
          }
          return statement.executeUpdate();
        }
      });
    } catch (SQLException e) {
      throw new StoreException("could not update " + table, e);
    }
  }
}
