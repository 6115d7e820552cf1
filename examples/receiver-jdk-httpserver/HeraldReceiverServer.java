import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.herald.receiver.InMemoryDedupeStore;
import io.herald.receiver.InMemorySubjectTracker;
import io.herald.receiver.ReceiveResult;
import io.herald.receiver.StoreException;
import io.herald.receiver.WebhookReceiver;
import io.herald.receiver.WebhookReceiverBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;

/**
 * A Herald webhook endpoint on the JDK's built-in HTTP server (no framework). Copy it and replace {@link #process}.
 *
 * <p>Run: {@code HERALD_WEBHOOK_SECRET=whsec_... java -cp herald-receiver.jar:herald-signature.jar
 * HeraldReceiverServer.java}; it listens on {@code POST http://localhost:$PORT/webhooks/herald} (PORT default 8080).
 * Set HERALD_ENDPOINT_TOKEN too if the endpoint has a bearer token in Herald.
 */
public final class HeraldReceiverServer {
  private static final int MAX_BODY_BYTES = 1 << 20;

  public static void main(String[] args) throws IOException {
    WebhookReceiverBuilder config = WebhookReceiver.builder()
        .secret(System.getenv("HERALD_WEBHOOK_SECRET"))
        .dedupeStore(new InMemoryDedupeStore())
        .subjectTracker(new InMemorySubjectTracker())
        .terminalEventTypes("ORDER_DATA_COMPLETED", "ORDER_DATA_FAILED");
    String token = System.getenv("HERALD_ENDPOINT_TOKEN");
    if (token != null && !token.isBlank()) {
      config.bearerToken(token);
    }
    WebhookReceiver receiver = config.build();

    int port = Integer.parseInt(System.getenv().getOrDefault("PORT", "8080"));
    HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
    server.createContext("/webhooks/herald", exchange -> handle(receiver, exchange));
    server.setExecutor(Executors.newFixedThreadPool(8));
    server.start();
    System.out.println("listening on http://localhost:" + port + "/webhooks/herald");
  }

  static void handle(WebhookReceiver receiver, HttpExchange exchange) throws IOException {
    try {
      if (!exchange.getRequestMethod().equals("POST")) {
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readNBytes(MAX_BODY_BYTES + 1);
      }
      if (body.length > MAX_BODY_BYTES) {
        exchange.sendResponseHeaders(413, -1);
        return;
      }
      exchange.sendResponseHeaders(respond(receiver, receiver.receive(exchange.getRequestHeaders(), body)), -1);
    } catch (StoreException e) {
      exchange.sendResponseHeaders(503, -1); // nothing was recorded: Herald retries later
    } finally {
      exchange.close();
    }
  }

  /** 204 for Accepted, Duplicate and Skipped; 401 for Rejected; 500 if processing fails (Herald retries). */
  static int respond(WebhookReceiver receiver, ReceiveResult result) {
    if (result instanceof ReceiveResult.Accepted accepted) {
      try {
        process(accepted);
      } catch (RuntimeException e) {
        receiver.forget(accepted); // so that Herald's retry is processed, not dropped as a duplicate
        return 500;
      }
    } else if (result instanceof ReceiveResult.Rejected rejected) {
      System.err.println("rejected webhook: " + rejected.reason() + ": " + rejected.message());
    }
    return result.httpStatus();
  }

  /** Your code. Keep it quick (hand off to a queue for slow work): Herald waits for the response. */
  static void process(ReceiveResult.Accepted event) {
    System.out.println(event.webhookId() + " " + event.eventType().orElse("-") + " " + event.subject().orElse("-")
        + " #" + (event.sequence().isPresent() ? event.sequence().getAsLong() : 0) + ": " + event.bodyAsString());
  }
}
