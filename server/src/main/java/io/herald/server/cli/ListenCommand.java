package io.herald.server.cli;

import com.fasterxml.jackson.databind.SerializationFeature;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.herald.server.api.Json;
import io.herald.signature.WebhookSecret;
import io.herald.signature.WebhookVerificationException;
import io.herald.signature.WebhookVerifier;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code herald listen}: a local receiver that prints every webhook it gets and, given the endpoint's secret, says
 * whether its signature verifies. For wiring up an endpoint, and for watching retries ({@code --status 500}).
 */
@Command(name = "listen", mixinStandardHelpOptions = true,
    description = "Receive webhooks on a local port and print them (a receiver for trying Herald out).")
public final class ListenCommand implements Callable<Integer> {
  private static final int MAX_BODY = 4 * 1024 * 1024;
  private static final com.fasterxml.jackson.databind.ObjectMapper PRETTY =
      Json.MAPPER.copy().enable(SerializationFeature.INDENT_OUTPUT);

  @Option(names = "--port", description = "Port to listen on (default: ${DEFAULT-VALUE}).", defaultValue = "9000")
  int port;

  @Option(names = "--host", description = "Address to bind (default: ${DEFAULT-VALUE}).", defaultValue = "127.0.0.1")
  String host;

  @Option(names = "--secret", description = "The endpoint's whsec_ secret, to verify each signature.")
  volatile String secret;

  @Option(names = "--status", description = "HTTP status to answer with (default: ${DEFAULT-VALUE}).", defaultValue = "204")
  int status;

  private PrintStream out = System.out;

  /** Starts the receiver and returns the bound port (for tests); {@link #call()} also blocks until killed. */
  public HttpServer start() throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 128);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/", this::handle);
    server.start();
    return server;
  }

  ListenCommand printingTo(PrintStream out) {
    this.out = out;
    return this;
  }

  @Override
  public Integer call() throws Exception {
    if (status < 100 || status > 599) {
      System.err.println("herald listen: --status must be an HTTP status from 100 to 599");
      return 2;
    }
    if (secret != null) {
      try {
        WebhookSecret.parse(secret);
      } catch (IllegalArgumentException e) {
        System.err.println("herald listen: --secret " + e.getMessage());
        return 2;
      }
    }
    HttpServer server;
    try {
      server = start();
    } catch (IOException e) {
      System.err.println("herald listen: cannot listen on " + host + ":" + port + " (" + e.getMessage()
          + "); choose another --port");
      return 1;
    }
    out.println("Listening on http://" + host + ":" + server.getAddress().getPort() + "/ ... answering " + status
        + (secret == null ? " (pass --secret whsec_... to verify signatures)" : ", verifying signatures"));
    new CountDownLatch(1).await();
    return 0;
  }

  private void handle(HttpExchange exchange) throws IOException {
    String key = secret;
    WebhookVerifier verifier = key == null ? null : WebhookVerifier.of(WebhookSecret.parse(key));
    byte[] body;
    try (InputStream in = exchange.getRequestBody()) {
      body = in.readNBytes(MAX_BODY);
    }
    StringBuilder text = new StringBuilder();
    text.append(LocalTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss"))).append("  ")
        .append(exchange.getRequestMethod()).append(' ').append(exchange.getRequestURI()).append('\n');
    for (Map.Entry<String, List<String>> h : exchange.getRequestHeaders().entrySet()) {
      for (String v : h.getValue()) {
        text.append("  ").append(h.getKey().toLowerCase()).append(": ").append(v).append('\n');
      }
    }
    text.append(pretty(body)).append('\n');
    if (verifier != null) {
      try {
        verifier.verify(exchange.getRequestHeaders(), body);
        text.append("  signature: valid\n");
      } catch (WebhookVerificationException e) {
        text.append("  signature: INVALID (").append(e.getMessage()).append(")\n");
      }
    }
    synchronized (this) {
      out.println(text);
    }
    if (status == 204 || status == 304) {
      exchange.sendResponseHeaders(status, -1);
    } else {
      exchange.sendResponseHeaders(status, 0);
    }
    exchange.close();
  }

  private static String pretty(byte[] body) {
    try {
      return PRETTY.writeValueAsString(Json.MAPPER.readTree(body)).indent(2).stripTrailing();
    } catch (IOException e) {
      return new String(body, StandardCharsets.UTF_8).indent(2).stripTrailing();
    }
  }
}
