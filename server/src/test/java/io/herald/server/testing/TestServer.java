package io.herald.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.herald.server.HeraldServer;
import io.herald.server.api.Json;
import io.herald.server.config.ConfigLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A Herald server started in-process on a free port with a fresh data directory, and a small JSON client for its
 * API. Loopback endpoints are allowlisted, since test receivers live on 127.0.0.1.
 */
public final class TestServer implements AutoCloseable {
  public static final String TOKEN = "test-admin-key-0123456789";

  private final Path dataDir;
  private final Map<String, String> env;
  private HeraldServer server;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private TestServer(Path dataDir, Map<String, String> env) {
    this.dataDir = dataDir;
    this.env = env;
  }

  /** Starts with short retry delays; {@code overrides} replace any HERALD_* setting. */
  public static TestServer start(Map<String, String> overrides) {
    try {
      Path dir = Files.createTempDirectory("herald-test-");
      Map<String, String> env = new HashMap<>();
      env.put("HERALD_PORT", "0");
      env.put("HERALD_HOST", "127.0.0.1");
      env.put("HERALD_DATA_DIR", dir.toString());
      env.put("HERALD_API_KEY", TOKEN);
      env.put("HERALD_ENDPOINT_ALLOWLIST", "127.0.0.0/8");
      env.put("HERALD_RETRY_SCHEDULE", "0.2,0.2,0.2");
      env.put("HERALD_POLL_INTERVAL_MS", "50");
      env.put("HERALD_DELIVERY_TIMEOUT_SECONDS", "2");
      env.put("HERALD_LEASE_SECONDS", "10");
      env.putAll(overrides);
      TestServer t = new TestServer(dir, env);
      t.boot();
      return t;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static TestServer start() {
    return start(Map.of());
  }

  /** {@code settings} over {@code store} (the engine a test class runs on; empty for the embedded store). */
  public static TestServer start(Map<String, String> store, Map<String, String> settings) {
    Map<String, String> all = new HashMap<>(store);
    all.putAll(settings);
    return start(all);
  }

  private void boot() {
    server = HeraldServer.start(ConfigLoader.load(env), Clock.systemUTC(), key -> {});
  }

  /** Stops and starts again on the same data directory (a clean restart). */
  public void restart() {
    restart(() -> {});
  }

  /** Stops, runs {@code whileStopped} (to change the store as a process that died would have left it), starts. */
  public void restart(Runnable whileStopped) {
    server.close();
    whileStopped.run();
    boot();
  }

  public Path dataDir() {
    return dataDir;
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + server.port();
  }

  public Reply get(String path) {
    return send("GET", path, null, Map.of());
  }

  public Reply delete(String path) {
    return send("DELETE", path, null, Map.of());
  }

  public Reply post(String path, String json) {
    return send("POST", path, json, Map.of());
  }

  public Reply put(String path, String json) {
    return send("PUT", path, json, Map.of());
  }

  public Reply patch(String path, String json) {
    return send("PATCH", path, json, Map.of());
  }

  /** Any request; {@code headers} may override Authorization. */
  public Reply send(String method, String path, String json, Map<String, String> headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl() + path))
        .timeout(Duration.ofSeconds(30))
        .header("Authorization", "Bearer " + TOKEN)
        .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
    if (json != null) {
      b.header("Content-Type", "application/json");
    }
    headers.forEach(b::setHeader);
    try {
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Reply(r.statusCode(), r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** An HTTP answer; {@link #json()} parses the body. */
  public record Reply(int status, String body) {
    public JsonNode json() {
      return Json.tree(body);
    }

    public String field(String name) {
      return json().path(name).asText();
    }

    /**
     * The error's detail as one line: the text of {@code {code, detail}}, or for a 422 (Svix's validation shape,
     * {@code detail: [{loc, msg, type}]}) each item as {@code field: msg}.
     */
    public String detail() {
      JsonNode detail = json().path("detail");
      if (!detail.isArray()) {
        return detail.asText();
      }
      StringBuilder sb = new StringBuilder();
      for (JsonNode item : detail) {
        List<String> path = new java.util.ArrayList<>();
        item.path("loc").forEach(part -> path.add(part.asText()));
        String field = String.join(".", path.subList(Math.min(1, path.size()), path.size())); // without "body"
        sb.append(sb.length() > 0 ? "; " : "").append(field).append(": ").append(item.path("msg").asText());
      }
      return sb.toString();
    }

    @Override
    public String toString() {
      return status + " " + body;
    }
  }

  @Override
  public void close() {
    server.close();
    try (var files = Files.walk(dataDir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a leftover temp directory is harmless
    }
  }
}
