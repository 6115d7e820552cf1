package io.herald.server.delivery;

import io.herald.server.network.AddressPolicy;
import io.herald.server.network.PolicyResolver;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.http.HttpCookieStore;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.util.thread.Invocable;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Sends one webhook POST with Jetty's asynchronous client: one shared client, connections reused per host, no thread
 * held while a receiver thinks.
 *
 * <p>The deadline covers the whole exchange, response body included: a receiver that sends headers and then dribbles
 * its body cannot hold a delivery slot past it. The response body is read with a byte cap and the rest discarded.
 * Redirects are never followed, cookies never kept, and every address the client dials passes the
 * {@link AddressPolicy} after DNS resolution, in the resolver itself, so a hostname that re-resolves to 127.0.0.1 is
 * caught.
 *
 * <p>Answers are read and their futures completed on the client's network thread itself (the transport is declared
 * non-blocking), so whatever a caller chains onto {@link #post} runs there and must not block: no store reads, no
 * waiting on locks held across I/O. Handing each answer to a pool thread instead cost a thread wake-up per delivery:
 * in the benchmark's profile the client's threads took 50-56 µs per delivery, most of it the kernel switching
 * threads, against 13-14 µs without the hand-over.
 */
public final class HttpSender implements AutoCloseable {
  private final HttpClient client;
  private final Duration timeout;
  private final int bodyLimit;
  private final Clock clock;

  /**
   * @param maxConnectionsPerHost connections the client may open to one host (scheme, host and port); pass the most
   *     requests Herald can have in flight at once, so that this is never what makes a request wait
   */
  public HttpSender(AddressPolicy policy, Duration connectTimeout, Duration timeout, int bodyLimit, String userAgent,
      Clock clock, int maxConnectionsPerHost) {
    this.timeout = timeout;
    this.bodyLimit = bodyLimit;
    this.clock = clock;
    QueuedThreadPool threads = new QueuedThreadPool(64, 4);
    threads.setName("herald-http");
    threads.setDaemon(true);
    client = new HttpClient();
    client.setExecutor(threads);
    client.setSocketAddressResolver(new PolicyResolver(policy, Executors.newVirtualThreadPerTaskExecutor()));
    client.setFollowRedirects(false);
    // No cookie jar: the client is shared by every tenant, so a cookie one tenant's receiver set would go to any
    // endpoint on that host (and matching it against each request's URI cost a URI parse per attempt).
    client.setHttpCookieStore(new HttpCookieStore.Empty());
    client.setConnectTimeout(connectTimeout.toMillis());
    client.setIdleTimeout(60_000);
    // One pool per host serves every endpoint on that host, of every tenant. Herald already caps requests per endpoint
    // and in memory; a smaller pool here would add a cap per host that endpoints share: nine endpoints holding 32 slow
    // requests each filled a pool of 256, and the host's other endpoints queued behind them (EndpointIsolationTest).
    client.setMaxConnectionsPerDestination(maxConnectionsPerHost);
    client.setMaxRequestsQueuedPerDestination(1_000_000);
    // The listeners below only copy bytes and complete a future; the dispatcher's follow-up takes care not to block.
    client.getHttpClientTransport().setInvocationType(Invocable.InvocationType.NON_BLOCKING);
    client.setUserAgentField(new org.eclipse.jetty.http.HttpField(HttpHeader.USER_AGENT, userAgent));
    try {
      client.start();
      // No Accept-Encoding: a receiver's answer is kept only as a truncated diagnostic, so decompressing it is waste.
      // After start(), which registers the decoders it finds on the class path.
      client.getContentDecoderFactories().clear();
    } catch (Exception e) {
      throw new IllegalStateException("cannot start the delivery HTTP client", e);
    }
  }

  /**
   * POSTs {@code body} to {@code url}; the future always completes with a result, never exceptionally, usually on the
   * client's network thread (see the class comment).
   */
  public CompletableFuture<AttemptResult> post(URI url, Map<String, String> headers, byte[] body) {
    return post(url, headers, body, "application/json");
  }

  /** POSTs {@code body} as {@code contentType}; the future always completes with a result, never exceptionally. */
  public CompletableFuture<AttemptResult> post(URI url, Map<String, String> headers, byte[] body, String contentType) {
    CompletableFuture<AttemptResult> result = new CompletableFuture<>();
    long start = System.nanoTime();
    try {
      var request = client.newRequest(url)
          .method(HttpMethod.POST)
          .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
          .body(new BytesRequestContent(contentType, body));
      request.headers(h -> headers.forEach(h::put));
      request.send(new CappedListener(start, result));
    } catch (RuntimeException e) {
      result.complete(new AttemptResult.Failed(0, "request could not be sent: " + e.getMessage(), 0, java.util.Optional.empty()));
    }
    return result;
  }

  /** Keeps the first {@code bodyLimit} bytes of the response and discards the rest. */
  private final class CappedListener implements Response.Listener {
    private final long start;
    private final CompletableFuture<AttemptResult> result;
    /** Allocated on the first bytes of a body: most 2xx answers have none, and the cap is 20 kB. */
    private ByteBuffer kept;

    CappedListener(long start, CompletableFuture<AttemptResult> result) {
      this.start = start;
      this.result = result;
    }

    @Override
    public void onContent(Response response, ByteBuffer content) {
      if (!content.hasRemaining()) {
        return;
      }
      if (kept == null) {
        kept = ByteBuffer.allocate(Math.min(bodyLimit, Math.max(content.remaining(), initialCapacity(response))));
      } else if (kept.remaining() < content.remaining() && kept.capacity() < bodyLimit) {
        int wanted = Math.max(kept.capacity() * 2, kept.position() + content.remaining());
        kept = ByteBuffer.allocate(Math.min(bodyLimit, wanted)).put(kept.flip());
      }
      if (kept.hasRemaining()) {
        int n = Math.min(kept.remaining(), content.remaining());
        ByteBuffer slice = content.slice();
        slice.limit(n);
        kept.put(slice);
      }
    }

    /** The declared length when there is one (capped by the caller), else a small start that doubles. */
    private int initialCapacity(Response response) {
      long declared = response.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH);
      return declared > 0 ? (int) Math.min(declared, bodyLimit) : 1024;
    }

    @Override
    public void onComplete(Result r) {
      long ms = (System.nanoTime() - start) / 1_000_000;
      String body = kept == null ? "" : new String(kept.array(), 0, kept.position(), StandardCharsets.UTF_8);
      if (r.isFailed()) {
        Response response = r.getResponse();
        int status = response == null ? 0 : response.getStatus();
        result.complete(new AttemptResult.Failed(status, describe(r.getFailure()), ms, java.util.Optional.empty()));
        return;
      }
      Response response = r.getResponse();
      int status = response.getStatus();
      if (status >= 200 && status < 300) {
        result.complete(new AttemptResult.Delivered(status, body, ms));
      } else if (status == 410) {
        result.complete(new AttemptResult.Gone(status, body, ms));
      } else {
        var retryAfter = (status == 429 || status == 503)
            ? RetryAfter.parse(response.getHeaders().get(HttpHeader.RETRY_AFTER), clock.instant())
            : java.util.Optional.<Duration>empty();
        result.complete(new AttemptResult.Failed(status, body, ms, retryAfter));
      }
    }
  }

  private String describe(Throwable failure) {
    if (failure instanceof java.util.concurrent.TimeoutException) {
      return "timed out after " + timeout.toSeconds() + " s (HERALD_DELIVERY_TIMEOUT_SECONDS)";
    }
    String message = failure.getMessage();
    return failure.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }

  @Override
  public void close() throws Exception {
    client.stop();
  }
}
