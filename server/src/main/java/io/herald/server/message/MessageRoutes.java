package io.herald.server.message;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.herald.server.api.ApiException;
import io.herald.server.api.Body;
import io.herald.server.api.Input;
import io.herald.server.api.ListResponse;
import io.herald.server.api.PageRequest;
import io.herald.server.api.Query;
import io.herald.server.api.Respond;
import io.herald.server.application.Application;
import io.herald.server.application.ApplicationRepository;
import io.herald.server.application.ApplicationRoutes;
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
    Respond.json(ctx, 202, accept(ctx.pathParam("app"), Body.of(ctx), withContent(ctx)));
  }

  /**
   * The whole of {@code POST /api/v1/app/{app}/msg} once the request is authenticated and its body read: what the
   * 202 answers, or an {@link io.herald.server.api.ApiException}. The route above and the ingest fast path
   * ({@code MessagePostHandler}) both call it.
   */
  public MessageOut accept(String appKey, byte[] body, boolean withContent) {
    MessageIn in = MessageIn.parse(body);
    Application app = apps.find(appKey).orElseGet(() -> createInline(appKey, in));
    return MessageOut.of(ingest.accept(app.id(), in), withContent);
  }

  /**
   * Svix's MessageIn may carry an {@code application} (an ApplicationIn) to create the application the path names
   * when it does not exist yet; its uid must be the path's.
   */
  private Application createInline(String key, MessageIn in) {
    if (!(in.fields().get("application") instanceof ObjectNode appIn)) {
      throw ApiException.notFound("application '" + key + "'");
    }
    Application app;
    try {
      app = ApplicationRoutes.fromInput(new Input(appIn), clock.millis());
    } catch (ApiException e) {
      throw e.under("application");
    }
    if (app.uid() == null) {
      throw ApiException.validation("application.uid", "is required to create the application with the message");
    }
    if (!app.uid().equals(key)) {
      throw ApiException.validation("application.uid", "must equal the application uid in the path, '" + key + "'");
    }
    try {
      return apps.insert(app);
    } catch (ApiException e) {
      // Created concurrently by another message: use that one.
      return apps.find(key).orElseThrow(() -> e);
    }
  }

  private void list(Context ctx) {
    Application app = apps.require(ctx.pathParam("app"));
    PageRequest page = PageRequest.from(ctx, true);
    var filter = new MessageRepository.Filter(ctx.queryParam("channel"), Query.eventTypes(ctx),
        Query.time(ctx, "before"), Query.time(ctx, "after"), ctx.queryParam("subject"));
    boolean withContent = withContent(ctx);
    Respond.json(ctx, 200, ListResponse.of(messages.list(app.id(), page, filter), page, Message::id)
        .map(m -> MessageOut.of(m, withContent)));
  }

  private void get(Context ctx) {
    Application app = apps.require(ctx.pathParam("app"));
    Respond.json(ctx, 200, MessageOut.of(messages.require(app.id(), ctx.pathParam("msg")), withContent(ctx)));
  }

  /**
   * Svix's {@code with_content} query parameter: true unless given as false (the v2 SDKs send false by default), in
   * which case payloads are answered as {@code {}}.
   */
  public static boolean withContent(Context ctx) {
    return !"false".equals(ctx.queryParam("with_content"));
  }

  private void deleteContent(Context ctx) {
    Application app = apps.require(ctx.pathParam("app"));
    messages.deleteContent(messages.require(app.id(), ctx.pathParam("msg")).id(), clock.millis());
    Respond.noContent(ctx);
  }
}
