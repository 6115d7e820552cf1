package io.herald.server.wire;

/** {@code {"event": <event type>, "data": <payload>}}: Siftr's order data events. */
final class EventDataBody implements BodyFormatter {
  @Override
  public Body render(WireContext ctx) {
    return new Body.Ready(BodyFormatter.object(g -> {
      g.writeStringField("event", ctx.message().eventType());
      BodyFormatter.rawPayload(g, "data", ctx.message().payload());
    }));
  }
}
