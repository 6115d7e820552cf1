package io.herald.server.api;

import io.javalin.config.Key;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Reads request bodies, at most {@code HERALD_MAX_REQUEST_BYTES} of them. A body with a declared length is read in one
 * array of that length; Javalin's own reader copied every body through a growing buffer, and in the benchmark's
 * profile of message ingest that copy was 7% of Herald's CPU samples.
 */
public final class Body {
  /** Where {@link ApiServer} keeps the limit for the routes. */
  static final Key<Long> LIMIT = new Key<>("herald.maxRequestBytes");

  private Body() {}

  /** The request's body; a 413 when it is over the limit, whether declared or sent in chunks. */
  public static byte[] of(Context ctx) {
    try {
      return read(ctx.req().getInputStream(), ctx.req().getContentLengthLong(), ctx.appData(LIMIT));
    } catch (IOException e) {
      throw new UncheckedIOException("reading the request body", e);
    }
  }

  /**
   * {@code declared} bytes, or (when it is -1, a chunked body) up to the limit; a 413 past the limit, before reading
   * anything when the declared length is over it.
   */
  static byte[] read(InputStream in, long declared, long limit) throws IOException {
    if (declared > limit) {
      throw tooLarge();
    }
    if (declared >= 0) {
      return in.readNBytes((int) declared);
    }
    byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
    if (body.length > limit) {
      throw tooLarge();
    }
    return body;
  }

  /** ApiServer words it ({@code HERALD_MAX_REQUEST_BYTES}), as for Javalin's own limit. */
  private static HttpResponseException tooLarge() {
    return new HttpResponseException(413, "request body too large");
  }
}
