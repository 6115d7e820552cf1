package io.herald.server.api;

import io.javalin.http.Context;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;

/** Query-parameter readers shared by the list endpoints. */
public final class Query {
  private Query() {}

  /** {@code event_types} may repeat or be comma-separated. */
  public static List<String> eventTypes(Context ctx) {
    List<String> raw = ctx.queryParams("event_types");
    if (raw.isEmpty()) {
      raw = ctx.queryParams("event_types[]");
    }
    return raw.stream().flatMap(s -> Arrays.stream(s.split(","))).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  /** An ISO 8601 time parameter as epoch milliseconds, or null. */
  public static Long time(Context ctx, String name) {
    String v = ctx.queryParam(name);
    if (v == null) {
      return null;
    }
    try {
      return OffsetDateTime.parse(v).toInstant().toEpochMilli();
    } catch (DateTimeParseException e) {
      throw ApiException.queryValidation(name, "must be an ISO 8601 date-time such as 2024-03-14T14:55:50.094Z");
    }
  }

  public static Integer integer(Context ctx, String name) {
    String v = ctx.queryParam(name);
    if (v == null) {
      return null;
    }
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw ApiException.queryValidation(name, "must be a whole number");
    }
  }
}
