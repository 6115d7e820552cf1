package io.herald.server.eventtype;

import io.herald.server.api.ApiException;
import io.herald.server.api.Body;
import io.herald.server.api.Input;
import io.herald.server.api.Json;
import io.herald.server.api.ListResponse;
import io.herald.server.api.PageRequest;
import io.herald.server.api.Respond;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Clock;

/** {@code /api/v1/event-type}. */
public final class EventTypeRoutes {
  private final EventTypeRepository types;
  private final Clock clock;

  public EventTypeRoutes(EventTypeRepository types, Clock clock) {
    this.types = types;
    this.clock = clock;
  }

  public void register(RoutesConfig routes) {
    routes.get("/api/v1/event-type", this::list);
    routes.post("/api/v1/event-type", this::create);
    routes.get("/api/v1/event-type/{name}", ctx -> Respond.json(ctx, 200, types.require(ctx.pathParam("name")).toOut()));
    routes.put("/api/v1/event-type/{name}", this::put);
    routes.patch("/api/v1/event-type/{name}", this::patch);
    routes.delete("/api/v1/event-type/{name}", this::delete);
  }

  private void list(Context ctx) {
    PageRequest page = PageRequest.from(ctx, false);
    boolean archived = "true".equals(ctx.queryParam("include_archived"));
    Respond.json(ctx, 200, ListResponse.of(types.list(page, archived), page, EventType::name).map(EventType::toOut));
  }

  private void create(Context ctx) {
    Input in = Input.of(Body.of(ctx));
    String name = in.requiredString("name", 256);
    Input.checkName("name", name, 256);
    long now = clock.millis();
    Respond.json(ctx, 201, types.insert(read(in, name, now, now)).toOut());
  }

  private void put(Context ctx) {
    String name = ctx.pathParam("name");
    Input.checkName("name", name, 256);
    Input in = Input.of(Body.of(ctx));
    long now = clock.millis();
    long created = types.find(name).map(EventType::createdAt).orElse(now);
    EventType type = read(in, name, created, now);
    boolean createdNow = types.upsert(type);
    Respond.json(ctx, createdNow ? 201 : 200, type.toOut());
  }

  private void patch(Context ctx) {
    EventType old = types.require(ctx.pathParam("name"));
    Input in = Input.of(Body.of(ctx));
    String lifecycle = in.present("lifecycle") ? lifecycle(in) : old.lifecycle();
    EventType type = new EventType(old.name(),
        in.optionalString("description", 10_000).orElse(old.description()),
        in.bool("archived", old.archived()),
        in.bool("deprecated", old.deprecated()),
        in.present("featureFlag") ? in.optionalName("featureFlag", 256).orElse(null) : old.featureFlag(),
        in.present("schemas") ? in.optionalObject("schemas").map(Json::text).orElse(null) : old.schemas(),
        lifecycle,
        in.present("category") ? category(in) : old.category(),
        failure(in, lifecycle, in.present("failure") ? null : old.failure()),
        old.createdAt(), clock.millis());
    types.upsert(type);
    Respond.json(ctx, 200, type.toOut());
  }

  private void delete(Context ctx) {
    EventType type = types.require(ctx.pathParam("name"));
    types.delete(type.name(), "true".equals(ctx.queryParam("expunge")), clock.millis());
    Respond.noContent(ctx);
  }

  private static EventType read(Input in, String name, long createdAt, long now) {
    String lifecycle = lifecycle(in);
    return new EventType(name,
        in.requiredString("description", 10_000),
        in.bool("archived", false),
        in.bool("deprecated", false),
        in.optionalName("featureFlag", 256).orElse(null),
        in.optionalObject("schemas").map(Json::text).orElse(null),
        lifecycle,
        category(in),
        failure(in, lifecycle, null),
        createdAt, now);
  }

  private static String lifecycle(Input in) {
    String value = in.optionalString("lifecycle", 16).orElse(null);
    if (value != null && !value.equals(EventType.PROGRESS) && !value.equals(EventType.TERMINAL)) {
      throw ApiException.validation("lifecycle", "must be \"progress\", \"terminal\" or null, got '" + value + "'");
    }
    return value;
  }

  private static String category(Input in) {
    String value = in.optionalString("category", 256).orElse(null);
    if (value != null && (value.isEmpty() || value.chars().anyMatch(Character::isISOControl))) {
      throw ApiException.validation("category", "must be 1-256 characters without control characters");
    }
    return value;
  }

  /** {@code failure} only means something for a terminal type: it ends the subject as failed instead of completed. */
  private static boolean failure(Input in, String lifecycle, Boolean kept) {
    boolean failure = kept != null ? kept && EventType.TERMINAL.equals(lifecycle) : in.bool("failure", false);
    if (failure && !EventType.TERMINAL.equals(lifecycle)) {
      throw ApiException.validation("failure",
          "needs \"lifecycle\": \"terminal\" (only a terminal event can end a subject)");
    }
    return failure;
  }
}
