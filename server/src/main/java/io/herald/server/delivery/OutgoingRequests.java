package io.herald.server.delivery;

import io.herald.server.config.HeraldConfig.HeaderStyle;
import io.herald.server.endpoint.Endpoint;
import io.herald.server.wire.WireContext;
import io.herald.server.wire.WireContexts;
import io.herald.server.wire.WireRenderer;
import io.herald.signature.WebhookSigner;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Builds the HTTP request of one delivery: the body in the endpoint's wire format, its static and computed headers,
 * Herald's {@code webhook-*} headers, and the signature over exactly the bytes that will be sent.
 *
 * <p>A raw body with no templates needs nothing but the payload and is built on the spot. Anything else reads the
 * message's context and may evaluate JSONata, so it runs on its own virtual threads: the dispatcher's callers include
 * the group-commit writer thread, which must never wait on a read or a template.
 */
final class OutgoingRequests implements AutoCloseable {
  static final String SUBJECT = "webhook-subject";
  static final String SEQUENCE = "webhook-sequence";
  static final String EVENT_TYPE = "webhook-event-type";

  private final HeaderStyle style;
  private final WireContexts contexts;
  private final Clock clock;
  private final ExecutorService renderers = Executors.newVirtualThreadPerTaskExecutor();

  OutgoingRequests(HeaderStyle style, WireContexts contexts, Clock clock) {
    this.style = style;
    this.contexts = contexts;
    this.clock = clock;
  }

  /** A request ready to send, or the reason there is none (recorded as a failed attempt). */
  sealed interface Prepared {
    record Request(byte[] body, String contentType, Map<String, String> headers) implements Prepared {}

    record Failed(String reason) implements Prepared {}
  }

  /** Never completes exceptionally: a failure to render is a {@link Prepared.Failed}. */
  CompletableFuture<Prepared> prepare(DeliveryTask task, Endpoint ep) {
    if (!ep.wire().needsContext()) {
      return CompletableFuture.completedFuture(build(task, ep, WireRenderer.render(ep.wire(), null, task.payload())));
    }
    return CompletableFuture.supplyAsync(() -> {
      var facts = new WireContext.EndpointFacts(ep.id(), ep.uid(), ep.url(), ep.description(), ep.metadata());
      return contexts.load(task.msgId(), task.payload(), facts)
          .map(ctx -> build(task, ep, WireRenderer.render(ep.wire(), ctx, task.payload())))
          .orElseGet(() -> new Prepared.Failed("the message no longer exists"));
    }, renderers).exceptionally(e -> new Prepared.Failed("the request could not be built: " + e.getMessage()));
  }

  private Prepared build(DeliveryTask task, Endpoint ep, WireRenderer.Rendered rendered) {
    return switch (rendered) {
      case WireRenderer.Rendered.Failed f -> new Prepared.Failed(f.reason());
      case WireRenderer.Rendered.Ready r -> new Prepared.Request(r.body(), r.contentType(), headers(task, ep, r));
    };
  }

  /** Static endpoint headers, then computed ones, then Herald's own, which nothing can override. */
  private Map<String, String> headers(DeliveryTask task, Endpoint ep, WireRenderer.Rendered.Ready r) {
    long now = clock.millis();
    long timestamp = now / 1000;
    Map<String, String> headers = new HashMap<>(ep.headers());
    headers.putAll(r.headers());
    if (task.subject() != null && task.sequence() != null) {
      headers.put(SUBJECT, task.subject());
      headers.put(SEQUENCE, Long.toString(task.sequence()));
    }
    headers.put(EVENT_TYPE, task.eventType());
    headers.put(style.id, task.msgId());
    headers.put(style.timestamp, Long.toString(timestamp));
    headers.put(style.signature,
        WebhookSigner.signatureHeader(ep.signingSecrets(now), task.msgId(), timestamp, r.body()));
    return headers;
  }

  @Override
  public void close() {
    renderers.shutdownNow();
  }
}
