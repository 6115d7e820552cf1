package io.herald.server.api;

import io.herald.server.store.StoreUnavailableException;
import io.herald.server.store.Stores;
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
      BooleanSupplier healthy, List<Consumer<RoutesConfig>> features, MessagePost messagePost) {
    javalin = Javalin.create(config -> {
      config.startup.showJavalinBanner = false;
      config.startup.showOldJavalinVersionWarning = false;
      config.concurrency.useVirtualThreads = true;
      config.http.maxRequestSize = maxRequestBytes;
      config.appData(Body.LIMIT, maxRequestBytes);
      config.router.ignoreTrailingSlashes = true;
      config.jetty.host = host;
      config.jetty.port = port;
      // Javalin's handlers go inside this one, which takes the plain message POSTs before them.
      config.jetty.modifyServer(server -> server.setHandler(
          new MessagePostHandler(keys, maxRequestBytes, messagePost)));
      RoutesConfig routes = config.routes;
      routes.before("/api/v1/*", ctx -> authenticate(ctx, keys, idempotency));
      routes.after("/api/v1/*", ctx -> {
        if (ctx.attribute(TOKEN_ATTRIBUTE) != null) {
          idempotency.remember(ctx);
        }
      });
      routes.get("/api/v1/health", ctx -> ctx.status(healthy.getAsBoolean() ? 204 : 503));
      features.forEach(f -> f.accept(routes));
      io.javalin.http.ExceptionHandler<Exception> answer = (e, ctx) -> {
        Answer a = answerFor(e, ctx.method().name(), ctx.path(), maxRequestBytes);
        Respond.json(ctx.status(a.status()), a.status(), a.body());
      };
      routes.exception(HttpResponseException.class, answer::handle); // else Javalin's own mapping answers these
      routes.exception(Exception.class, answer);
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
    String token = ApiKeys.bearerToken(ctx.header("Authorization"));
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

  /**
   * {@code POST /api/v1/app/{app}/msg} once authenticated and read (the message route's {@code accept}): what the
   * 202 answers. Also registered as a Javalin route, which serves the requests the fast path passes on.
   */
  @FunctionalInterface
  public interface MessagePost {
    Object accept(String appKey, byte[] body, boolean withContent);
  }

  /** An answer: its status and what its JSON body holds. */
  record Answer(int status, Object body) {}

  /**
   * What a failed request is answered, whichever way it came in ({@link MessagePostHandler} too): {@code {code,
   * detail}}, or Svix's HTTPValidationError (plus Herald's {@code code}) for a field that is wrong.
   */
  static Answer answerFor(Exception e, String method, String path, long maxRequestBytes) {
    if (e instanceof ApiException api) {
      if (api.loc() != null) {
        Map<String, Object> item = Map.of("loc", api.loc(), "msg", api.problem(), "type", "value_error");
        return new Answer(api.status(), Map.of("code", api.code(), "detail", List.of(item)));
      }
      return error(api.status(), api.code(), api.getMessage());
    }
    if (e instanceof StoreUnavailableException || Stores.isConnectionFailure(e)) {
      return error(503, "store_unavailable", "the database is unavailable; retry shortly");
    }
    if (e instanceof HttpResponseException h) {
      return error(h.getStatus(), codeFor(h.getStatus()), h.getStatus() == 413
          ? "request body is larger than HERALD_MAX_REQUEST_BYTES (" + maxRequestBytes + " bytes)" : h.getMessage());
    }
    log.error("unhandled error on {} {}", method, path, e);
    return error(500, "internal", "internal error; the server log has the details");
  }

  private static Answer error(int status, String code, String detail) {
    return new Answer(status, Map.of("code", code, "detail", detail));
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
