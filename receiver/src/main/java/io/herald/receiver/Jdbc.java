package io.herald.receiver;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Set;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/** Portable JDBC plumbing shared by the JDBC stores. */
final class Jdbc {
  /** Key columns are VARCHAR(255); longer keys are stored as their SHA-256. */
  static final int MAX_KEY_LENGTH = 255;

  private static final Pattern TABLE_NAME =
      Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}(\\.[A-Za-z_][A-Za-z0-9_]{0,62})?");

  /** SQLite (no SQLState): SQLITE_CONSTRAINT and its primary key, unique and rowid variants. */
  private static final Set<Integer> SQLITE_CONSTRAINT_CODES = Set.of(19, 1555, 2067, 2579);

  interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  private Jdbc() {}

  /** Table names go into SQL text, so only plain (optionally schema-qualified) identifiers are allowed. */
  static String checkTableName(String tableName) {
    if (tableName == null || !TABLE_NAME.matcher(tableName).matches()) {
      throw new IllegalArgumentException(
          "table name must be a plain identifier like herald_seen or schema.herald_seen, got " + tableName);
    }
    return tableName;
  }

  /** The key as stored: itself when short enough, else {@code sha256:<hex>}. */
  static String key(String value) {
    if (value.length() <= MAX_KEY_LENGTH) {
      return value;
    }
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
      return "sha256:" + HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is unavailable in this JVM", e);
    }
  }

  /** A unique or primary key violation: SQLState class 23, or a vendor code when the driver sets no SQLState. */
  static boolean isUniqueViolation(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLIntegrityConstraintViolationException) {
        return true;
      }
      if (t instanceof SQLException sql) {
        String state = sql.getSQLState();
        if (state != null && state.startsWith("23")) {
          return true;
        }
        if ((state == null || state.isEmpty()) && SQLITE_CONSTRAINT_CODES.contains(sql.getErrorCode())) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Runs {@code work} on a fresh connection. With {@code autoCommit} false it is one transaction: committed on
   * return, rolled back on any exception. The connection's own auto-commit mode is restored (pools reuse it).
   */
  static <T> T run(DataSource dataSource, boolean autoCommit, Work<T> work) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      boolean previous = c.getAutoCommit();
      if (previous != autoCommit) {
        c.setAutoCommit(autoCommit);
      }
      try {
        T result = work.run(c);
        if (!autoCommit) {
          c.commit();
        }
        return result;
      } catch (SQLException | RuntimeException e) {
        if (!autoCommit) {
          try {
            c.rollback();
          } catch (SQLException rollbackFailure) {
            e.addSuppressed(rollbackFailure);
          }
        }
        throw e;
      } finally {
        if (previous != autoCommit) {
          c.setAutoCommit(previous);
        }
      }
    }
  }

  /** Creates the table with {@code ddl} unless it exists; tolerates another instance creating it concurrently. */
  static void ensureTable(DataSource dataSource, String tableName, String ddl) {
    try {
      run(dataSource, true, c -> {
        if (!exists(c, tableName)) {
          try (Statement s = c.createStatement()) {
            s.execute(ddl);
          } catch (SQLException e) {
            if (!exists(c, tableName)) {
              throw e;
            }
          }
        }
        return null;
      });
    } catch (SQLException e) {
      throw new StoreException("could not create table " + tableName, e);
    }
  }

  private static boolean exists(Connection c, String tableName) {
    try (Statement s = c.createStatement()) {
      s.executeQuery("SELECT 1 FROM " + tableName + " WHERE 1 = 0").close();
      return true;
    } catch (SQLException e) {
      return false;
    }
  }
}
