package io.herald.server.delivery;

import io.herald.server.api.ApiException;
import io.herald.server.api.Body;
import io.herald.server.api.Input;
import io.herald.server.api.Json;
import io.herald.server.api.ListResponse;
import io.herald.server.api.PageRequest;
import io.herald.server.api.Query;
import io.herald.server.api.Respond;
import io.herald.server.application.Application;
import io.herald.server.application.ApplicationRepository;
import io.herald.server.endpoint.Endpoint;
import io.herald.server.endpoint.EndpointOut;
import io.herald.server.endpoint.EndpointRepository;
import io.herald.server.message.Message;
import io.herald.server.message.MessageOut;
import io.herald.server.message.MessageRepository;
import io.herald.server.message.MessageRoutes;
import io.herald.server.store.Ids;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Attempts, per-endpoint delivery state, resend and recover. */
public final class AttemptRoutes {
  static final Duration MAX_RECOVER_WINDOW = Duration.ofDays(14);

  private final ApplicationRepository apps;
  private final EndpointRepository endpoints;
  private final MessageRepository messages;
  private final AttemptRepository attempts;
  private final Dispatcher dispatcher;
  private final Clock clock;

  public AttemptRoutes(ApplicationRepository apps, EndpointRepository endpoints, MessageRepository messages,
      AttemptRepository attempts, Dispatcher dispatcher, Clock clock) {
    this.apps = apps;
    this.endpoints = endpoints;
    this.messages = messages;
    this.attempts = attempts;
    this.dispatcher = dispatcher;
    this.clock = clock;
  }

  public void register(RoutesConfig routes) {
    routes.get("/api/v1/app/{app}/attempt/endpoint/{ep}", this::byEndpoint);
    routes.get("/api/v1/app/{app}/attempt/msg/{msg}", this::byMessage);
    routes.get("/api/v1/app/{app}/msg/{msg}/attempt/{attempt}", this::get);
    routes.delete("/api/v1/app/{app}/msg/{msg}/attempt/{attempt}/content", this::deleteContent);
    routes.get("/api/v1/app/{app}/msg/{msg}/endpoint", this::endpointsOfMessage);
    routes.get("/api/v1/app/{app}/endpoint/{ep}/msg", this::messagesOfEndpoint);
    routes.post("/api/v1/app/{app}/msg/{msg}/endpoint/{ep}/resend", this::resend);
    routes.post("/api/v1/app/{app}/endpoint/{ep}/recover", this::recover);
  }

  private void byEndpoint(Context ctx) {
    Application app = apps.require(ctx.pathParam("app"));
    Endpoint ep = endpoints.require(app.id(), ctx.pathParam("ep"));
    listAttempts(ctx, app, null, ep.id());
  }

  private void byMessage(Context ctx) {
    Application app = apps.require(ctx.pathParam("app"));
    Message msg = messages.require(app.id(), ctx.pathParam("msg"));
    String ep = ctx.queryParam("endpoint_id");
    listAttempts(ctx, app, msg.id(), ep == null ? null : endpoints.require(app.id(), ep).id());
  }

  private void listAttempts(Context ctx, Application app, String msgId, String endpointId) {
    PageRequest page = PageRequest.from(ctx, true);
    var filter = new AttemptRepository.Filter(msgId, endpointId, Query.integer(ctx, "status"),
        Query.integer(ctx, "status_code_class"), Query.eventTypes(ctx), Query.time(ctx, "before"), Query.time(ctx, "after"));
    boolean withContent = MessageRoutes.withContent(ctx);
    Respond.json(ctx, 200, ListResponse.of(attempts.list(app.id(), page, filter), page, AttemptOut::id)
        .map(a -> withContent ? a : a.withoutResponse()));
  }

  private void get(Context ctx) {
    Application app = apps.require(ctx.pathParam("app"));
    Message msg = messages.require(app.id(), ctx.pathParam("msg"));
    Respond.json(ctx, 200, attempts.find(app.id(), msg.id(), ctx.pathParam("attempt"))
        .orElseThrow(() -> ApiException.notFound("attempt '" + ctx.pathParam("attempt") + "'")));
  }

  private void deleteContent(Context ctx) {
    Application app = apps.require(ctx.pathParam("app"));
    Message msg = messages.require(app.id(), ctx.pathParam("msg"));
    AttemptOut a = attempts.find(app.id(), msg.id(), ctx.pathParam("attempt"))
        .orElseThrow(() -> ApiException.notFound("attempt '" + ctx.pathParam("attempt") + "'"));
    attempts.deleteResponse(msg.id(), a.id());
    Respond.noContent(ctx);
  }

  /** Svix's MessageEndpointOut: the endpoint's fields plus this message's delivery state to it. */
  private void endpointsOfMessage(Context ctx) {
    Application app = apps.require(ctx.pathParam("app"));
    Message msg = messages.require(app.id(), ctx.pathParam("msg"));
    PageRequest page = PageRequest.from(ctx, false);
    var states = ListResponse.of(attempts.statesOfMessage(msg.id(), page), page, AttemptRepository.DeliveryState::endpointId);
    Respond.json(ctx, 200, states.map(s -> {
      Map<String, Object> out = new LinkedHashMap<>();
      endpoints.find(app.id(), s.endpointId()).ifPresent(ep -> out.putAll(Json.MAPPER.convertValue(EndpointOut.of(ep),
          new com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>>() {})));
      out.put("id", s.endpointId());
      putState(out, s);
      return out;
    }));
  }

  /** Svix's EndpointMessageOut: the message plus its delivery state to this endpoint. */
  private void messagesOfEndpoint(Context ctx) {
    Application app = apps.require(ctx.pathParam("app"));
    Endpoint ep = endpoints.require(app.id(), ctx.pathParam("ep"));
    PageRequest page = PageRequest.from(ctx, true);
    boolean withContent = MessageRoutes.withContent(ctx);
    var states = ListResponse.of(attempts.statesOfEndpoint(ep.id(), page, Query.integer(ctx, "status")), page,
        AttemptRepository.DeliveryState::msgId);
    Respond.json(ctx, 200, states.map(s -> {
      Map<String, Object> out = new LinkedHashMap<>();
      messages.find(app.id(), s.msgId()).ifPresent(m -> {
        MessageOut mo = MessageOut.of(m, withContent);
        out.put("id", mo.id());
        out.put("eventId", mo.eventId());
        out.put("eventType", mo.eventType());
        out.put("payload", Json.tree(mo.payload()));
        out.put("channels", mo.channels());
        out.put("timestamp", mo.timestamp());
      });
      putState(out, s);
      return out;
    }));
  }

  private static void putState(Map<String, Object> out, AttemptRepository.DeliveryState s) {
    out.put("status", s.status());
    out.put("statusText", AttemptOut.statusText(s.status()));
    if (s.nextAttemptAt() != null && s.status() == 1) {
      out.put("nextAttempt", Json.time(s.nextAttemptAt()));
    }
  }

  private void resend(Context ctx) {
    Application app = apps.require(ctx.pathParam("app"));
    Message msg = messages.require(app.id(), ctx.pathParam("msg"));
    Endpoint ep = endpoints.require(app.id(), ctx.pathParam("ep"));
    if (msg.payload() == null) {
      throw ApiException.conflict("this message's content was deleted; it cannot be sent again");
    }
    attempts.resend(msg.id(), ep.id(), app.id(), clock.millis());
    dispatcher.wake();
    Respond.json(ctx, 202, Map.of());
  }

  private void recover(Context ctx) {
    Application app = apps.require(ctx.pathParam("app"));
    Endpoint ep = endpoints.require(app.id(), ctx.pathParam("ep"));
    Input in = Input.of(Body.of(ctx));
    long now = clock.millis();
    long since = Json.parseTime("since", in.requiredString("since", 64)).toEpochMilli();
    long until = in.optionalString("until", 64).map(u -> Json.parseTime("until", u).toEpochMilli()).orElse(now + 1);
    if (since < now - MAX_RECOVER_WINDOW.toMillis()) {
      throw ApiException.validation("since", "must be within the last 14 days");
    }
    if (until <= since) {
      throw ApiException.validation("until", "must be after since");
    }
    boolean ordered = ep.ordering() == Endpoint.Ordering.SUBJECT;
    int n = attempts.recover(ep.id(), ordered, since, until, now, dispatcher::wake);
    dispatcher.wake(); // whatever the lane's refills have not reached yet
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", Ids.next("qtask", now));
    out.put("status", "finished");
    out.put("task", "endpoint.recover");
    out.put("updatedAt", Json.time(now));
    out.put("recovered", n);
    Respond.json(ctx, 202, out);
  }
}
