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
      if (t instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("08")) {
        return true;
      }
    }
    return false;
  }
}
