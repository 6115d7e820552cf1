package io.herald.server.api;

import io.herald.server.store.StoreUnavailableException;
import io.javalin.Javalin;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP plumbing of the management API: Javalin on Jetty with virtual threads, bearer auth, the error shape
 * {@code {code, detail}}, idempotency keys and the request size limit. Features register their own routes.
 */
public final class ApiServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ApiServer.class);
  private static final String TOKEN_ATTRIBUTE = "herald.token";

  private final Javalin javalin;

  /**
   * @param features each registers its routes
   * @param healthy whether the store answers, for {@code GET /api/v1/health}
   */
  public ApiServer(String host, int port, long maxRequestBytes, ApiKeys keys, Idempotency idempotency,
      BooleanSupplier healthy, List<Consumer<RoutesConfig>> features) {
    javalin = Javalin.create(config -> {
      config.startup.showJavalinBanner = false;
      config.startup.showOldJavalinVersionWarning = false;
      config.concurrency.useVirtualThreads = true;
      config.http.maxRequestSize = maxRequestBytes;
      config.appData(Body.LIMIT, maxRequestBytes);
      config.router.ignoreTrailingSlashes = true;
      config.jetty.host = host;
      config.jetty.port = port;
      RoutesConfig routes = config.routes;
      routes.before("/api/v1/*", ctx -> authenticate(ctx, keys, idempotency));
      routes.after("/api/v1/*", ctx -> {
        if (ctx.attribute(TOKEN_ATTRIBUTE) != null) {
          idempotency.remember(ctx);
        }
      });
      routes.get("/api/v1/health", ctx -> ctx.status(healthy.getAsBoolean() ? 204 : 503));
      features.forEach(f -> f.accept(routes));
      routes.exception(ApiException.class, (e, ctx) -> {
        if (e.loc() != null) {
          validationError(ctx, e);
        } else {
          error(ctx, e.status(), e.code(), e.getMessage());
        }
      });
      routes.exception(StoreUnavailableException.class,
          (e, ctx) -> error(ctx, 503, "store_unavailable", "the database is unavailable; retry shortly"));
      routes.exception(HttpResponseException.class, (e, ctx) -> error(ctx, e.getStatus(), codeFor(e.getStatus()),
          e.getStatus() == 413 ? "request body is larger than HERALD_MAX_REQUEST_BYTES (" + maxRequestBytes + " bytes)"
              : e.getMessage()));
      routes.exception(Exception.class, (e, ctx) -> {
        if (io.herald.server.store.Stores.isConnectionFailure(e)) {
          error(ctx, 503, "store_unavailable", "the database is unavailable; retry shortly");
          return;
        }
        log.error("unhandled error on {} {}", ctx.method(), ctx.path(), e);
        error(ctx, 500, "internal", "internal error; the server log has the details");
      });
      routes.error(404, ctx -> {
        if (ctx.result() == null || ctx.result().isEmpty()) {
          error(ctx, 404, "not_found", "no such route: " + ctx.method() + " " + ctx.path());
        }
      });
      routes.error(405, ctx -> error(ctx, 405, "method_not_allowed", ctx.method() + " is not allowed on " + ctx.path()));
    });
  }

  private static void authenticate(Context ctx, ApiKeys keys, Idempotency idempotency) {
    if (ctx.path().equals("/api/v1/health") || ctx.path().equals("/api/v1/health/")) {
      return;
    }
    String header = ctx.header("Authorization");
    String token = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : null;
    if (!keys.isAdmin(token)) {
      throw new ApiException(401, "authentication_failed",
          token == null ? "missing 'Authorization: Bearer <api key>' header" : "invalid API key");
    }
    ctx.attribute(TOKEN_ATTRIBUTE, token);
    if (idempotency.replay(ctx, token)) {
      ctx.skipRemainingHandlers();
    }
  }

  private static void error(Context ctx, int status, String code, String detail) {
    Respond.json(ctx.status(status), status, Map.of("code", code, "detail", detail));
  }

  /** Svix's HTTPValidationError, plus Herald's {@code code}. */
  private static void validationError(Context ctx, ApiException e) {
    Map<String, Object> item = Map.of("loc", e.loc(), "msg", e.problem(), "type", "value_error");
    Respond.json(ctx.status(e.status()), e.status(), Map.of("code", e.code(), "detail", List.of(item)));
  }

  private static String codeFor(int status) {
    return switch (status) {
      case 400 -> "bad_request";
      case 404 -> "not_found";
      case 413 -> "payload_too_large";
      default -> "http_" + status;
    };
  }

  public ApiServer start() {
    javalin.start();
    return this;
  }

  public int port() {
    return javalin.port();
  }

  @Override
  public void close() {
    javalin.stop();
  }
}
