package io.herald.server.store;

import java.sql.ResultSet;
import java.sql.SQLException;

/** Column readers for nullable values, which JDBC otherwise turns into 0. */
public final class Rows {
  private Rows() {}

  public static Integer intOrNull(ResultSet rs, String column) throws SQLException {
    int v = rs.getInt(column);
    return rs.wasNull() ? null : v;
  }

  public static Long longOrNull(ResultSet rs, String column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? null : v;
  }
}
