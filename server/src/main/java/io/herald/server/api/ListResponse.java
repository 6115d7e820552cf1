package io.herald.server.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;

/** Svix's list shape: {@code {data, iterator, prevIterator, done}}. */
public record ListResponse<T>(List<T> data, String iterator, String prevIterator, boolean done) {

  /**
   * Builds a page from rows fetched with {@code LIMIT limit + 1}: the extra row only tells whether more exist.
   */
  public static <T> ListResponse<T> of(List<T> rowsPlusOne, PageRequest page, Function<T, String> idOf) {
    boolean more = rowsPlusOne.size() > page.limit();
    List<T> rows = new ArrayList<>(more ? rowsPlusOne.subList(0, page.limit()) : rowsPlusOne);
    if (page.backwards()) {
      Collections.reverse(rows);
    }
    if (rows.isEmpty()) {
      return new ListResponse<>(rows, page.after(), null, true);
    }
    String first = idOf.apply(rows.get(0));
    String last = idOf.apply(rows.get(rows.size() - 1));
    boolean done = page.backwards() ? false : !more;
    return new ListResponse<>(rows, last, "-" + first, done);
  }

  public <R> ListResponse<R> map(Function<T, R> f) {
    return new ListResponse<>(data.stream().map(f).toList(), iterator, prevIterator, done);
  }
}
