package io.herald.server.store;

import java.sql.SQLException;

/** Small classification helpers shared by the store code. */
public final class Stores {
  private Stores() {}

  /** True when {@code e} comes from a lost or refused connection rather than from the statement itself. */
  public static boolean isConnectionFailure(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.sql.SQLTransientConnectionException || t instanceof java.sql.SQLNonTransientConnectionException) {
        return true;
      }
      // 08: connection exceptions; 57P: the server is shutting down or restarting (PostgreSQL's "operator
      // intervention", e.g. 57P01 when an administrator restarts it).
      if (t instanceof SQLException sql && sql.getSQLState() != null
          && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("57P"))) {
        return true;
      }
    }
    return false;
  }
}
