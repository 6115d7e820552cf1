package io.herald.server.message;

import io.herald.server.api.ListResponse;
import io.herald.server.api.PageRequest;
import io.herald.server.api.Query;
import io.herald.server.api.Respond;
import io.herald.server.application.Application;
import io.herald.server.application.ApplicationRepository;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Clock;

/** {@code /api/v1/app/{app}/msg}. */
public final class MessageRoutes {
  private final ApplicationRepository apps;
  private final MessageRepository messages;
  private final Ingest ingest;
  private final Clock clock;

  public MessageRoutes(ApplicationRepository apps, MessageRepository messages, Ingest ingest, Clock clock) {
    this.apps = apps;
    this.messages = messages;
    this.ingest = ingest;
    this.clock = clock;
  }

  public void register(RoutesConfig routes) {
    routes.post("/api/v1/app/{app}/msg", this::create);
    routes.get("/api/v1/app/{app}/msg", this::list);
    routes.get("/api/v1/app/{app}/msg/{msg}", this::get);
    routes.delete("/api/v1/app/{app}/msg/{msg}/content", this::deleteContent);
  }

  private void create(Context ctx) {
    MessageIn in = MessageIn.parse(ctx.bodyAsBytes());
    Application app = apps.require(ctx.pathParam("app"));
    Message msg = ingest.accept(app.id(), in);
    Respond.json(ctx, 202, MessageOut.of(msg, !"false".equals(ctx.queryParam("with_content"))));
  }

  private void list(Context ctx) {
    Application app = apps.require(ctx.pathParam("app"));
    PageRequest page = PageRequest.from(ctx, true);
    var filter = new MessageRepository.Filter(ctx.queryParam("channel"), Query.eventTypes(ctx),
        Query.time(ctx, "before"), Query.time(ctx, "after"), ctx.queryParam("subject"));
    boolean withContent = !"false".equals(ctx.queryParam("with_content"));
    Respond.json(ctx, 200, ListResponse.of(messages.list(app.id(), page, filter), page, Message::id)
        .map(m -> MessageOut.of(m, withContent)));
  }

  private void get(Context ctx) {
    Application app = apps.require(ctx.pathParam("app"));
    Respond.json(ctx, 200, MessageOut.of(messages.require(app.id(), ctx.pathParam("msg")), true));
  }

  private void deleteContent(Context ctx) {
    Application app = apps.require(ctx.pathParam("app"));
    messages.deleteContent(messages.require(app.id(), ctx.pathParam("msg")).id(), clock.millis());
    Respond.noContent(ctx);
  }
}
