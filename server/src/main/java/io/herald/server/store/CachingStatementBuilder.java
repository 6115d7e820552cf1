package io.herald.server.store;

import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.statement.DefaultStatementBuilder;
import org.jdbi.v3.core.statement.StatementBuilder;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * Keeps prepared statements open for reuse on one long-lived connection. Neither the SQLite driver nor the pool
 * caches statements, so without this every write parsed and planned its SQL again (SQLite's prepare showed up in
 * profiles of the ingest path). Used only by the writer threads of {@link WriteQueue}, each of which holds its own
 * connection and handle: a cache is never shared between threads.
 */
final class CachingStatementBuilder implements StatementBuilder {
  private static final int MAX_CACHED = 256;

  private final DefaultStatementBuilder fallback = new DefaultStatementBuilder();
  private final Map<String, PreparedStatement> cache = new HashMap<>();
  private final Set<Statement> cached = Collections.newSetFromMap(new IdentityHashMap<>());

  @Override
  public Statement create(Connection conn, StatementContext ctx) throws SQLException {
    return fallback.create(conn, ctx);
  }

  @Override
  public PreparedStatement create(Connection conn, String sql, StatementContext ctx) throws SQLException {
    if (ctx.isConcurrentUpdatable() || cache.size() >= MAX_CACHED && !cache.containsKey(key(sql, ctx))) {
      return fallback.create(conn, sql, ctx);
    }
    String key = key(sql, ctx);
    PreparedStatement cached = cache.get(key);
    if (cached != null && !cached.isClosed()) {
      return cached;
    }
    PreparedStatement fresh = fallback.create(conn, sql, ctx);
    if (cached != null) {
      this.cached.remove(cached);
    }
    cache.put(key, fresh);
    this.cached.add(fresh);
    return fresh;
  }

  private static String key(String sql, StatementContext ctx) {
    return ctx.isReturningGeneratedKeys() ? "keys:" + String.join(",", ctx.getGeneratedKeysColumnNames()) + ":" + sql : sql;
  }

  @Override
  public CallableStatement createCall(Connection conn, String sql, StatementContext ctx) throws SQLException {
    return fallback.createCall(conn, sql, ctx);
  }

  /** Jdbi is done with the statement: cached ones stay open for the next use, others close. */
  @Override
  public void close(Connection conn, String sql, Statement stmt) throws SQLException {
    if (cached.contains(stmt)) {
      ((PreparedStatement) stmt).clearParameters();
      return;
    }
    stmt.close();
  }

  /** The connection is going away: close everything cached. */
  @Override
  public void close(Connection conn) {
    for (PreparedStatement ps : cache.values()) {
      try {
        ps.close();
      } catch (SQLException ignored) {
        // the connection is closing anyway
      }
    }
    cache.clear();
    cached.clear();
  }
}
