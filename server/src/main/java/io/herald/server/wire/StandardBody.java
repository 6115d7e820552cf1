package io.herald.server.wire;

import io.herald.server.api.Json;

/**
 * {@code {"type": <event type>, "timestamp": <message time>, "data": <payload>}}: the envelope the Standard Webhooks
 * spec recommends. The timestamp is when Herald accepted the message, ISO 8601 UTC with milliseconds.
 */
final class StandardBody implements BodyFormatter {
  @Override
  public Body render(WireContext ctx) {
    return new Body.Ready(BodyFormatter.object(g -> {
      g.writeStringField("type", ctx.message().eventType());
      g.writeStringField("timestamp", Json.time(ctx.message().createdAt()));
      BodyFormatter.rawPayload(g, "data", ctx.message().payload());
    }));
  }
}
