package io.herald.server.application;

import io.herald.server.api.ApiException;
import io.herald.server.api.Body;
import io.herald.server.api.Input;
import io.herald.server.api.Json;
import io.herald.server.api.ListResponse;
import io.herald.server.api.PageRequest;
import io.herald.server.api.Respond;
import io.herald.server.store.Ids;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Clock;

/** {@code /api/v1/app}: Svix's application resource. */
public final class ApplicationRoutes {
  private final ApplicationRepository apps;
  private final Clock clock;

  public ApplicationRoutes(ApplicationRepository apps, Clock clock) {
    this.apps = apps;
    this.clock = clock;
  }

  public void register(RoutesConfig routes) {
    routes.get("/api/v1/app", this::list);
    routes.post("/api/v1/app", this::create);
    routes.get("/api/v1/app/{app}", ctx -> Respond.json(ctx, 200, apps.require(ctx.pathParam("app")).toOut()));
    routes.put("/api/v1/app/{app}", this::upsert);
    routes.patch("/api/v1/app/{app}", this::patch);
    routes.delete("/api/v1/app/{app}", this::delete);
  }

  private void list(Context ctx) {
    PageRequest page = PageRequest.from(ctx, false);
    Respond.json(ctx, 200, ListResponse.of(apps.list(page), page, Application::id).map(Application::toOut));
  }

  private void create(Context ctx) {
    Application app = fromInput(Input.of(Body.of(ctx)), clock.millis());
    if (app.uid() != null && "true".equals(ctx.queryParam("get_if_exists"))) {
      var existing = apps.find(app.uid());
      if (existing.isPresent()) {
        Respond.json(ctx, 200, existing.get().toOut());
        return;
      }
    }
    Respond.json(ctx, 201, apps.insert(app).toOut());
  }

  /** A new application from Svix's ApplicationIn (also sent inline with a message, to create its application). */
  public static Application fromInput(Input in, long now) {
    String name = in.requiredString("name", 256);
    if (name.isEmpty()) {
      throw ApiException.validation("name", "must not be empty");
    }
    String uid = in.optionalName("uid", 256).orElse(null);
    return new Application(Ids.next("app", now), uid, name, in.optionalInt("throttleRate", 1, 65535).orElse(null),
        Json.text(in.optionalObject("metadata").orElse(Json.MAPPER.createObjectNode())), now, now);
  }

  /** PUT creates the application when the path names an unknown uid, as Svix does. */
  private void upsert(Context ctx) {
    String key = ctx.pathParam("app");
    Input in = Input.of(Body.of(ctx));
    String name = in.requiredString("name", 256);
    var existing = apps.find(key);
    long now = clock.millis();
    String metadata = Json.text(in.optionalObject("metadata").orElse(Json.MAPPER.createObjectNode()));
    Integer throttle = in.optionalInt("throttleRate", 1, 65535).orElse(null);
    if (existing.isEmpty()) {
      Input.checkName("uid", key, 256);
      String uid = in.optionalName("uid", 256).orElse(key);
      Application app = new Application(Ids.next("app", now), uid, name, throttle, metadata, now, now);
      Respond.json(ctx, 201, apps.insert(app).toOut());
      return;
    }
    Application old = existing.get();
    String uid = in.optionalName("uid", 256).orElse(old.uid());
    Respond.json(ctx, 200,
        apps.update(new Application(old.id(), uid, name, throttle, metadata, old.createdAt(), now)).toOut());
  }

  private void patch(Context ctx) {
    Application old = apps.require(ctx.pathParam("app"));
    Input in = Input.of(Body.of(ctx));
    String uid = in.present("uid") ? in.optionalName("uid", 256).orElse(null) : old.uid();
    String name = in.optionalString("name", 256).orElse(old.name());
    Integer throttle = in.present("throttleRate") ? in.optionalInt("throttleRate", 0, 65535).orElse(null) : old.throttleRate();
    String metadata = in.optionalObject("metadata").map(Json::text).orElse(old.metadata());
    Respond.json(ctx, 200, apps.update(
        new Application(old.id(), uid, name, throttle, metadata, old.createdAt(), clock.millis())).toOut());
  }

  private void delete(Context ctx) {
    apps.delete(apps.require(ctx.pathParam("app")).id());
    Respond.noContent(ctx);
  }
}
