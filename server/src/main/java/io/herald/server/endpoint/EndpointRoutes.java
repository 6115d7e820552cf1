package io.herald.server.endpoint;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.herald.server.api.ApiException;
import io.herald.server.api.Body;
import io.herald.server.api.Input;
import io.herald.server.api.Json;
import io.herald.server.api.ListResponse;
import io.herald.server.api.PageRequest;
import io.herald.server.api.Respond;
import io.herald.server.application.Application;
import io.herald.server.application.ApplicationRepository;
import io.herald.server.network.AddressPolicy;
import io.herald.server.network.EndpointUrls;
import io.herald.server.store.Ids;
import io.herald.signature.WebhookSecret;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/** {@code /api/v1/app/{app}/endpoint}: endpoints, their headers and secrets. */
public final class EndpointRoutes {
  static final int MAX_OLD_SECRETS = 10;
  static final int DEFAULT_GRACE_SECONDS = 86_400;
  static final int MAX_GRACE_SECONDS = 604_800;

  private final ApplicationRepository apps;
  private final EndpointRepository endpoints;
  private final AddressPolicy policy;
  private final Clock clock;
  private final Consumer<String> onChange;

  /** {@code onChange} receives the id of every endpoint created, changed or deleted (the dispatcher's cache). */
  public EndpointRoutes(ApplicationRepository apps, EndpointRepository endpoints, AddressPolicy policy, Clock clock,
      Consumer<String> onChange) {
    this.apps = apps;
    this.endpoints = endpoints;
    this.policy = policy;
    this.clock = clock;
    this.onChange = onChange;
  }

  public void register(RoutesConfig routes) {
    String base = "/api/v1/app/{app}/endpoint";
    routes.get(base, this::list);
    routes.post(base, this::create);
    routes.get(base + "/{ep}", ctx -> Respond.json(ctx, 200, EndpointOut.of(endpoint(ctx))));
    routes.put(base + "/{ep}", this::put);
    routes.patch(base + "/{ep}", this::patch);
    routes.delete(base + "/{ep}", this::delete);
    routes.get(base + "/{ep}/headers", this::getHeaders);
    routes.put(base + "/{ep}/headers", ctx -> setHeaders(ctx, false));
    routes.patch(base + "/{ep}/headers", ctx -> setHeaders(ctx, true));
    routes.get(base + "/{ep}/secret", ctx -> Respond.json(ctx, 200, Map.of("key", endpoint(ctx).secret())));
    routes.post(base + "/{ep}/secret/rotate", this::rotate);
    routes.get(base + "/{ep}/stats", this::stats);
  }

  private Endpoint endpoint(Context ctx) {
    Application app = apps.require(ctx.pathParam("app"));
    return endpoints.require(app.id(), ctx.pathParam("ep"));
  }

  private void list(Context ctx) {
    Application app = apps.require(ctx.pathParam("app"));
    PageRequest page = PageRequest.from(ctx, false);
    Respond.json(ctx, 200, ListResponse.of(endpoints.list(app.id(), page), page, Endpoint::id).map(EndpointOut::of));
  }

  private void create(Context ctx) {
    Application app = apps.require(ctx.pathParam("app"));
    Input in = Input.of(Body.of(ctx));
    long now = clock.millis();
    String secret = in.optionalString("secret", 200).map(s -> parseSecret("secret", s))
        .orElseGet(() -> WebhookSecret.generate().reveal());
    Map<String, String> headers = in.optionalStringMap("headers").orElse(Map.of());
    CustomHeaders.validate(headers);
    Endpoint e = fromInput(in, Ids.next("ep", now), app.id(), null, secret, List.of(), headers, now, now);
    Respond.json(ctx, 201, EndpointOut.of(saved(endpoints.insert(e))));
  }

  /** PUT creates the endpoint (201) when the path names none, as Svix does; its uid defaults to the path key. */
  private void put(Context ctx) {
    Application app = apps.require(ctx.pathParam("app"));
    String key = ctx.pathParam("ep");
    var existing = endpoints.find(app.id(), key);
    ObjectNode body = Json.parseObject(Body.of(ctx));
    long now = clock.millis();
    if (existing.isEmpty()) {
      if (!body.hasNonNull("uid")) {
        Input.checkName("uid", key, 256);
        body.put("uid", key);
      }
      Endpoint e = fromInput(new Input(body), Ids.next("ep", now), app.id(), null, WebhookSecret.generate().reveal(),
          List.of(), Map.of(), now, now);
      Respond.json(ctx, 201, EndpointOut.of(saved(endpoints.insert(e))));
      return;
    }
    Endpoint old = existing.get();
    Endpoint e = fromInput(new Input(body), old.id(), old.appId(), old, old.secret(), old.oldSecrets(), old.headers(),
        old.createdAt(), now);
    Respond.json(ctx, 200, EndpointOut.of(saved(endpoints.update(e))));
  }

  private void patch(Context ctx) {
    Endpoint old = endpoint(ctx);
    Input in = Input.of(Body.of(ctx));
    String url = in.optionalString("url", 65_536).map(u -> checkedUrl(u)).orElse(old.url());
    EndpointOptions.Options options = EndpointOptions.read(in, EndpointOptions.Options.of(old), true);
    Endpoint e = new Endpoint(old.id(), old.appId(),
        in.present("uid") ? in.optionalName("uid", 256).orElse(null) : old.uid(),
        url,
        in.optionalString("description", 10_000).orElse(old.description()),
        in.optionalInt("version", 1, Integer.MAX_VALUE).orElse(old.version()),
        in.bool("disabled", old.disabled()),
        in.present("filterTypes") || in.present("eventTypes") ? filterTypes(in) : old.eventTypes(),
        in.present("channels") ? in.optionalNames("channels", 128).orElse(null) : old.channels(),
        in.present("throttleRate") || in.present("rateLimit") ? throttle(in) : old.throttleRate(),
        in.optionalObject("metadata").map(Json::text).orElse(old.metadata()),
        old.headers(), old.secret(), old.oldSecrets(), old.createdAt(), clock.millis(), options.ordering(),
        options.progress(), options.wire());
    Respond.json(ctx, 200, EndpointOut.of(saved(endpoints.update(e))));
  }

  private void delete(Context ctx) {
    Endpoint e = endpoint(ctx);
    endpoints.delete(e.id());
    onChange.accept(e.id());
    Respond.noContent(ctx);
  }

  private void getHeaders(Context ctx) {
    Endpoint e = endpoint(ctx);
    Map<String, String> visible = new LinkedHashMap<>();
    List<String> sensitive = new ArrayList<>();
    e.headers().forEach((k, v) -> {
      if (CustomHeaders.isSensitive(k)) {
        sensitive.add(k);
      } else {
        visible.put(k, v);
      }
    });
    Respond.json(ctx, 200, Map.of("headers", visible, "sensitive", sensitive));
  }

  /**
   * PUT replaces every header; PATCH merges, and a null value removes that header, as do the names in
   * {@code deleteHeaders} (which the Svix SDKs send).
   */
  private void setHeaders(Context ctx, boolean merge) {
    Endpoint old = endpoint(ctx);
    Input in = Input.of(Body.of(ctx));
    List<String> deletes = merge ? headerNames(in, "deleteHeaders") : List.of();
    ObjectNode given = in.optionalObject("headers").or(() -> deletes.isEmpty() ? Optional.empty()
        : Optional.of(Json.MAPPER.createObjectNode())).orElseThrow(() -> ApiException.validation("headers", "is required"));
    Map<String, String> headers = new LinkedHashMap<>(merge ? old.headers() : Map.of());
    headers.keySet().removeIf(name -> deletes.stream().anyMatch(name::equalsIgnoreCase));
    given.properties().forEach(entry -> {
      if (entry.getValue().isNull() && merge) {
        headers.remove(entry.getKey());
      } else if (entry.getValue().isTextual()) {
        headers.put(entry.getKey(), entry.getValue().asText());
      } else {
        throw ApiException.validation("headers." + entry.getKey(), "must be a string");
      }
    });
    CustomHeaders.validate(headers);
    saved(endpoints.update(withSecrets(old, old.secret(), old.oldSecrets(), headers)));
    Respond.noContent(ctx);
  }

  /**
   * Replaces the secret; the old one keeps signing (alongside the new) for the grace period, so receivers can switch
   * without dropping a delivery.
   */
  private void rotate(Context ctx) {
    Endpoint old = endpoint(ctx);
    byte[] body = Body.of(ctx);
    Input in = body.length == 0 ? new Input(Json.MAPPER.createObjectNode()) : Input.of(body);
    int grace = in.optionalInt("gracePeriodSeconds", 0, MAX_GRACE_SECONDS).orElse(DEFAULT_GRACE_SECONDS);
    String next = in.optionalString("key", 200).map(s -> parseSecret("key", s))
        .orElseGet(() -> WebhookSecret.generate().reveal());
    long now = clock.millis();
    List<Endpoint.OldSecret> olds = new ArrayList<>();
    olds.add(new Endpoint.OldSecret(old.secret(), now + grace * 1000L));
    for (Endpoint.OldSecret s : old.oldSecrets()) {
      if (s.expiresAt() > now && olds.size() < MAX_OLD_SECRETS) {
        olds.add(s);
      }
    }
    saved(endpoints.update(withSecrets(old, next, olds, old.headers())));
    Respond.noContent(ctx);
  }

  private void stats(Context ctx) {
    Map<Integer, Long> counts = endpoints.statusCounts(endpoint(ctx).id());
    // Svix's "canceled" counts deliveries ended without being sent; here those are the skipped progress events.
    long skipped = counts.getOrDefault(4, 0L);
    Respond.json(ctx, 200, Map.of(
        "success", counts.getOrDefault(0, 0L),
        "pending", counts.getOrDefault(1, 0L),
        "fail", counts.getOrDefault(2, 0L),
        "sending", 0L,
        "canceled", skipped,
        "skipped", skipped));
  }

  private Endpoint saved(Endpoint e) {
    onChange.accept(e.id());
    return e;
  }

  private Endpoint withSecrets(Endpoint o, String secret, List<Endpoint.OldSecret> olds, Map<String, String> headers) {
    return new Endpoint(o.id(), o.appId(), o.uid(), o.url(), o.description(), o.version(), o.disabled(), o.eventTypes(),
        o.channels(), o.throttleRate(), o.metadata(), headers, secret, olds, o.createdAt(), clock.millis(), o.ordering(),
        o.progress(), o.wire());
  }

  private Endpoint fromInput(Input in, String id, String appId, Endpoint old, String secret,
      List<Endpoint.OldSecret> oldSecrets, Map<String, String> headers, long createdAt, long now) {
    String url = checkedUrl(in.requiredString("url", 65_536));
    EndpointOptions.Options options =
        EndpointOptions.read(in, old == null ? null : EndpointOptions.Options.of(old), false);
    return new Endpoint(id, appId,
        in.optionalName("uid", 256).orElse(old == null ? null : old.uid()),
        url,
        in.optionalString("description", 10_000).orElse(""),
        in.optionalInt("version", 1, Integer.MAX_VALUE).orElse(1),
        in.bool("disabled", false),
        filterTypes(in),
        in.optionalNames("channels", 128).orElse(null),
        throttle(in),
        Json.text(in.optionalObject("metadata").orElse(Json.MAPPER.createObjectNode())),
        headers, secret, oldSecrets, createdAt, now, options.ordering(), options.progress(), options.wire());
  }

  private String checkedUrl(String url) {
    try {
      return EndpointUrls.validate(url, policy).toString();
    } catch (IllegalArgumentException e) {
      throw ApiException.validation("url", e.getMessage());
    }
  }

  /** Svix's SDKs send {@code filterTypes}; its server's schema says {@code eventTypes}. Either is accepted. */
  private static List<String> filterTypes(Input in) {
    return in.optionalNames("filterTypes", 256).or(() -> in.optionalNames("eventTypes", 256)).orElse(null);
  }

  private static List<String> headerNames(Input in, String field) {
    if (!in.has(field)) {
      return List.of();
    }
    if (!in.raw(field).isArray()) {
      throw ApiException.validation(field, "must be an array of header names");
    }
    List<String> names = new ArrayList<>();
    in.raw(field).forEach(n -> {
      if (!n.isTextual()) {
        throw ApiException.validation(field, "must be an array of header names");
      }
      names.add(n.asText());
    });
    return names;
  }

  private static Integer throttle(Input in) {
    return in.optionalInt("throttleRate", 0, 65_535).or(() -> in.optionalInt("rateLimit", 0, 65_535)).orElse(null);
  }

  private static String parseSecret(String field, String text) {
    try {
      return WebhookSecret.parse(text).reveal();
    } catch (IllegalArgumentException e) {
      throw ApiException.validation(field, e.getMessage() + " (generate one with: echo whsec_$(head -c 32 /dev/urandom | base64))");
    }
  }
}
