package io.herald.server.api;

import io.javalin.http.Context;

/**
 * The {@code limit} and {@code iterator} of a list call. Lists page by id: the iterator is the last id of the previous
 * page. An iterator starting with '-' (a {@code prevIterator}) pages backwards from that id.
 *
 * @param newestFirst whether the resource lists newest first (messages and attempts) or oldest first
 */
public record PageRequest(int limit, String after, boolean backwards, boolean newestFirst) {
  public static final int DEFAULT_LIMIT = 50;
  public static final int MAX_LIMIT = 250;

  public static PageRequest from(Context ctx, boolean newestFirstByDefault) {
    int limit = DEFAULT_LIMIT;
    String rawLimit = ctx.queryParam("limit");
    if (rawLimit != null) {
      try {
        limit = Integer.parseInt(rawLimit);
      } catch (NumberFormatException e) {
        throw ApiException.queryValidation("limit", "must be a whole number from 1 to " + MAX_LIMIT);
      }
      if (limit < 1 || limit > MAX_LIMIT) {
        throw ApiException.queryValidation("limit", "must be a whole number from 1 to " + MAX_LIMIT);
      }
    }
    boolean newestFirst = newestFirstByDefault;
    String order = ctx.queryParam("order");
    if (order != null) {
      newestFirst = switch (order) {
        case "descending" -> true;
        case "ascending" -> false;
        default -> throw ApiException.queryValidation("order", "must be 'ascending' or 'descending'");
      };
    }
    String iterator = ctx.queryParam("iterator");
    boolean backwards = iterator != null && iterator.startsWith("-");
    String after = iterator == null || iterator.isEmpty() ? null : backwards ? iterator.substring(1) : iterator;
    return new PageRequest(limit, after, backwards, newestFirst);
  }

  /** Whether the SQL must return rows with descending ids (newest first, or paging backwards through an ascending list). */
  public boolean descendingSql() {
    return newestFirst != backwards;
  }

  /** {@code id > :after} or {@code id < :after}, or an always-true condition when on the first page. */
  public String idCondition(String column) {
    if (after == null) {
      return "1 = 1";
    }
    return column + (descendingSql() ? " < :after" : " > :after");
  }

  public String orderBy(String column) {
    return column + (descendingSql() ? " DESC" : " ASC");
  }

  /**
   * The page's condition in a list scoped to one value of an index's leading column: an application's messages in
   * {@code message_app (app_id, id)}, an endpoint's attempts in {@code attempt_endpoint (endpoint_id, id)}. Use it
   * with {@link #scopedOrderBy}.
   *
   * <p>The scope is a closed range, not {@code scope = :param}, and the order names both columns, so that only the
   * scope's index returns the rows in order. With an equality and {@code ORDER BY id}, PostgreSQL may read the
   * primary key backwards and filter by scope instead, counting on the scope's rows to be spread evenly. When they
   * are all older than another scope's rows, that walks every newer row: 1.3 s over 3 million rows for one page of
   * an application's messages, where the index takes 0.15 ms. An equality lets the planner drop the scope from the
   * order, a range does not. The row comparison places the scan at the iterator, on SQLite too.
   *
   * @param param the scope's bound parameter, such as {@code ":app"}
   */
  public String scopedCondition(String scope, String param, String column) {
    if (after == null) {
      return scope + " >= " + param + " AND " + scope + " <= " + param;
    }
    return descendingSql()
        ? scope + " >= " + param + " AND (" + scope + ", " + column + ") < (" + param + ", :after)"
        : scope + " <= " + param + " AND (" + scope + ", " + column + ") > (" + param + ", :after)";
  }

  public String scopedOrderBy(String scope, String column) {
    return orderBy(scope) + ", " + orderBy(column);
  }
}
