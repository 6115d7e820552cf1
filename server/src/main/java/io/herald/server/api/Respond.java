package io.herald.server.api;

import io.javalin.http.Context;

/** Writes JSON answers. */
public final class Respond {
  private Respond() {}

  public static void json(Context ctx, int status, Object body) {
    byte[] bytes = Json.write(body);
    ctx.attribute(Idempotency.BODY_ATTRIBUTE, bytes);
    ctx.status(status).contentType("application/json").result(bytes);
  }

  public static void noContent(Context ctx) {
    ctx.status(204);
  }
}
