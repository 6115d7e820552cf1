package io.herald.server.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.WeakHashMap;
import org.jdbi.v3.core.Handle;

/**
 * Plain JDBC for the statements every delivery runs, on the writer's long-lived connection. Jdbi's per-statement
 * machinery (configuration copies, named binding, mapper lookup) was the largest single cost of recording an
 * attempt in profiles; these statements are few and fixed, so they bind by position on statements prepared once per
 * connection. Only for {@link WriteQueue} operations: a writer's connection is used by one thread at a time.
 */
public final class HotStatements {
  private static final Map<Connection, Map<String, PreparedStatement>> BY_CONNECTION =
      Collections.synchronizedMap(new WeakHashMap<>());

  private HotStatements() {}

  /** The statement for {@code sql} on {@code h}'s connection, prepared on first use; parameters are cleared. */
  public static PreparedStatement prepare(Handle h, String sql) throws SQLException {
    Connection c = h.getConnection();
    Map<String, PreparedStatement> statements = BY_CONNECTION.computeIfAbsent(c, k -> new HashMap<>());
    PreparedStatement ps = statements.get(sql);
    if (ps == null || ps.isClosed()) {
      ps = c.prepareStatement(sql);
      statements.put(sql, ps);
    } else {
      ps.clearParameters();
    }
    return ps;
  }
}
