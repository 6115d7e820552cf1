package example;

import io.herald.receiver.InMemoryDedupeStore;
import io.herald.receiver.InMemorySubjectTracker;
import io.herald.receiver.ReceiveResult;
import io.herald.receiver.StoreException;
import io.herald.receiver.WebhookReceiver;
import io.herald.receiver.WebhookReceiverBuilder;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A Herald webhook endpoint as a Jakarta Servlet (Tomcat 10+, Jetty 11+, any Jakarta EE 9+ container). Copy it and
 * replace {@link #process}. Configuration comes from the environment: HERALD_WEBHOOK_SECRET, and
 * HERALD_ENDPOINT_TOKEN if the endpoint has a bearer token in Herald.
 *
 * <p>Several instances behind a load balancer should share state: swap the in-memory stores for
 * {@code new JdbcDedupeStore(dataSource, "herald_seen")} and {@code new JdbcSubjectTracker(dataSource,
 * "herald_subjects")}.
 */
@WebServlet("/webhooks/herald")
public class HeraldWebhookServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;
  private static final int MAX_BODY_BYTES = 1 << 20;

  private transient WebhookReceiver receiver;

  @Override
  public void init() {
    WebhookReceiverBuilder config = WebhookReceiver.builder()
        .secret(System.getenv("HERALD_WEBHOOK_SECRET"))
        .dedupeStore(new InMemoryDedupeStore())
        .subjectTracker(new InMemorySubjectTracker())
        .terminalEventTypes("ORDER_DATA_COMPLETED", "ORDER_DATA_FAILED");
    String token = System.getenv("HERALD_ENDPOINT_TOKEN");
    if (token != null && !token.isBlank()) {
      config.bearerToken(token);
    }
    receiver = config.build();
  }

  @Override
  protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
    byte[] body; // the raw bytes: never getParameter() or getReader(), which decode and break the signature
    try (InputStream in = request.getInputStream()) {
      body = in.readNBytes(MAX_BODY_BYTES + 1);
    }
    if (body.length > MAX_BODY_BYTES) {
      response.setStatus(413);
      return;
    }
    ReceiveResult result;
    try {
      result = receiver.receive(headers(request), body);
    } catch (StoreException e) {
      response.setStatus(503); // nothing was recorded: Herald retries later
      return;
    }
    if (result instanceof ReceiveResult.Accepted accepted) {
      try {
        process(accepted);
      } catch (RuntimeException e) {
        receiver.forget(accepted); // so that Herald's retry is processed, not dropped as a duplicate
        response.setStatus(500);
        return;
      }
    } else if (result instanceof ReceiveResult.Rejected rejected) {
      log("rejected webhook: " + rejected.reason() + ": " + rejected.message());
    }
    response.setStatus(result.httpStatus()); // 204, or 401 for Rejected
  }

  /** Your code. Keep it quick (hand off to a queue for slow work): Herald waits for the response. */
  protected void process(ReceiveResult.Accepted event) {
    log(event.webhookId() + " " + event.eventType().orElse("-") + ": " + event.bodyAsString());
  }

  private static Map<String, List<String>> headers(HttpServletRequest request) {
    Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (String name : Collections.list(request.getHeaderNames())) {
      headers.put(name, Collections.list(request.getHeaders(name)));
    }
    return headers;
  }
}
