package io.herald.server.api;

import io.herald.server.store.Database;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Replays the first answer to a POST that carried an {@code idempotency-key} (the Svix SDKs send one with every
 * POST and retry on 5xx), for 12 hours, keyed by a hash of token, key and path. A retried "create message" thus
 * returns the message already accepted instead of creating a second one.
 */
public final class Idempotency {
  static final Duration TTL = Duration.ofHours(12);
  static final String BODY_ATTRIBUTE = "herald.responseBody";
  private static final String KEY_ATTRIBUTE = "herald.idempotencyKey";

  private record Stored(int status, byte[] body) {}

  private final Database db;
  private final Clock clock;

  public Idempotency(Database db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  /** Before the handler: answers from the store and returns true when this request was seen before. */
  boolean replay(Context ctx, String token) {
    String header = ctx.header("idempotency-key");
    if (header == null || header.isBlank() || !"POST".equals(ctx.method().name())) {
      return false;
    }
    String key = HexFormat.of().formatHex(ApiKeys.sha256(token + "\n" + header + "\n" + ctx.path()));
    long since = clock.millis() - TTL.toMillis();
    Optional<Stored> stored = db.reads().withHandle(h -> h.createQuery(
            "SELECT status_code, body FROM idempotency WHERE key = :key AND created_at > :since")
        .bind("key", key).bind("since", since)
        .map((rs, c) -> new Stored(rs.getInt("status_code"), rs.getBytes("body"))).findOne());
    if (stored.isPresent()) {
      ctx.status(stored.get().status()).contentType("application/json").result(stored.get().body());
      return true;
    }
    ctx.attribute(KEY_ATTRIBUTE, key);
    return false;
  }

  /** After the handler: keeps a non-5xx answer for replay. */
  void remember(Context ctx) {
    String key = ctx.attribute(KEY_ATTRIBUTE);
    if (key == null || ctx.status().getCode() >= 500) {
      return;
    }
    byte[] body = ctx.attribute(BODY_ATTRIBUTE);
    long now = clock.millis();
    db.writes().execute(h -> h.createUpdate("""
            INSERT INTO idempotency (key, status_code, body, created_at) VALUES (:key, :status, :body, :now)
            ON CONFLICT (key) DO UPDATE SET status_code = excluded.status_code, body = excluded.body,
                                            created_at = excluded.created_at""")
        .bind("key", key).bind("status", ctx.status().getCode()).bind("body", body == null ? new byte[0] : body)
        .bind("now", now).execute());
  }
}
