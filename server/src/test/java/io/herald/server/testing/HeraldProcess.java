package io.herald.server.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The packaged {@code herald.jar} running as a real child process ({@code java -jar herald.jar serve}), on
 * {@code 127.0.0.1} and a free port, with its output in a log file. Unlike {@link TestServer} it can be killed with
 * SIGKILL, which is what durability tests need: no shutdown hook, no flush, no graceful close.
 *
 * <p>The child runs on the same JVM as the test. Settings come only from {@link #env}: inherited {@code HERALD_*}
 * variables are removed, so a developer's shell cannot change what a test runs against.
 */
public final class HeraldProcess implements AutoCloseable {
  public static final String TOKEN = TestServer.TOKEN;
  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

  private final Process process;
  private final int port;
  private final Path log;
  private final HttpClient http = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(2))
      .build();

  private HeraldProcess(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /** The path of the packaged jar, which failsafe passes as the system property {@code herald.jar}. */
  public static Path jar() {
    String jar = System.getProperty("herald.jar");
    if (jar == null || !Files.isRegularFile(Path.of(jar))) {
      throw new IllegalStateException("system property herald.jar must name the packaged server jar (run with "
          + "`mvn verify`, which packages it first); got " + jar);
    }
    return Path.of(jar);
  }

  /**
   * The settings a durability test wants: loopback only, the given data directory, a fixed admin key, loopback
   * receivers allowed, a short retry schedule and a fast poller. {@code overrides} replace any of them.
   */
  public static Map<String, String> env(Path dataDir, Map<String, String> overrides) {
    Map<String, String> env = new HashMap<>();
    env.put("HERALD_HOST", "127.0.0.1");
    env.put("HERALD_DATA_DIR", dataDir.toString());
    env.put("HERALD_API_KEY", TOKEN);
    env.put("HERALD_ENDPOINT_ALLOWLIST", "127.0.0.0/8");
    env.put("HERALD_RETRY_SCHEDULE", "0.5,0.5,1,1,1,1,1,1,1,1");
    env.put("HERALD_POLL_INTERVAL_MS", "100");
    env.putAll(overrides);
    return env;
  }

  /**
   * Starts {@code java -jar herald.jar serve} with {@code env} (plus {@code HERALD_PORT}, a free port chosen here),
   * appending its stdout and stderr to {@code log}, and returns once {@code GET /api/v1/health} answers 204.
   */
  public static HeraldProcess start(Map<String, String> env, Path log) {
    IllegalStateException last = null;
    for (int tries = 0; tries < 3; tries++) {
      HeraldProcess p = launch(env, freePort(), log);
      try {
        p.awaitHealthy();
        return p;
      } catch (IllegalStateException e) {
        p.close();
        last = e;
        if (!p.logTail().contains("BindException") && !p.logTail().contains("Address already in use")) {
          break; // only a port taken between choosing and binding it is worth another try
        }
      }
    }
    throw last;
  }

  private static HeraldProcess launch(Map<String, String> env, int port, Path log) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    // C1 only and the serial collector: a test server starts and warms up in about half the time on two cores.
    List<String> command = new ArrayList<>(List.of(java, "-Xmx512m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
        "-jar", jar().toString(), "serve"));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().keySet().removeIf(k -> k.startsWith("HERALD_"));
    pb.environment().putAll(env);
    pb.environment().put("HERALD_PORT", Integer.toString(port));
    pb.redirectErrorStream(true);
    try {
      Files.createDirectories(log.toAbsolutePath().getParent());
      Files.writeString(log, "=== " + String.join(" ", command) + " (HERALD_PORT=" + port + ")\n",
          StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      return new HeraldProcess(pb.start(), port, log);
    } catch (IOException e) {
      throw new UncheckedIOException("could not start " + command, e);
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void awaitHealthy() {
    try {
      await("Herald (pid " + pid() + ") answering GET /api/v1/health with 204")
          .atMost(START_TIMEOUT)
          .pollDelay(Duration.ZERO)
          .pollInterval(Duration.ofMillis(50))
          .until(() -> {
            if (!process.isAlive()) {
              throw new IllegalStateException("Herald exited with " + process.exitValue() + " before it was healthy:\n"
                  + logTail());
            }
            return healthStatus() == 204;
          });
    } catch (ConditionTimeoutException e) {
      throw new IllegalStateException("Herald did not become healthy within " + START_TIMEOUT + ":\n" + logTail(), e);
    }
  }

  private int healthStatus() {
    try {
      HttpRequest req = HttpRequest.newBuilder(URI.create(baseUrl() + "/api/v1/health"))
          .timeout(Duration.ofSeconds(2)).GET().build();
      return http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1; // not listening yet
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public long pid() {
    return process.pid();
  }

  public int port() {
    return port;
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + port;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** The last lines of the log, for failure messages. */
  public String logTail() {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(log " + log + " unreadable: " + e.getMessage() + ")";
    }
  }

  public Path log() {
    return log;
  }

  /**
   * SIGKILL: {@link Process#destroyForcibly()} is {@code kill -9} on Linux. Returns once the process is gone, and
   * checks it died of the signal (exit status 128 + 9) rather than exiting on its own.
   */
  public void kill9() {
    process.destroyForcibly();
    int status = waitGone(Duration.ofSeconds(10));
    if (status != 137) {
      throw new AssertionError("expected Herald (pid " + pid() + ") to die of SIGKILL (exit 137), got " + status);
    }
  }

  /** SIGTERM and a graceful stop (the shutdown hook closes the server); SIGKILL if that takes over 15 s. */
  public void stop() {
    process.destroy();
    try {
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        kill9();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  private int waitGone(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError("Herald (pid " + pid() + ") still alive " + timeout + " after SIGKILL");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    if (process.toHandle().isAlive()) {
      throw new AssertionError("Herald (pid " + pid() + ") reported exited but its handle is alive");
    }
    return process.exitValue();
  }

  // ---- a small client for the API ----

  public TestServer.Reply get(String path) {
    return send("GET", path, null);
  }

  public TestServer.Reply post(String path, String json) {
    return send("POST", path, json);
  }

  /** Sends one request with the admin key; an {@link IOException} (e.g. the process died) is thrown unchecked. */
  public TestServer.Reply send(String method, String path, String json) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl() + path))
        .timeout(Duration.ofSeconds(10))
        .header("Authorization", "Bearer " + TOKEN)
        .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
    if (json != null) {
      b.header("Content-Type", "application/json");
    }
    try {
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new TestServer.Reply(r.statusCode(), r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Kills the process if it still runs (tests call this in {@code @AfterEach}, whatever happened). */
  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    http.shutdownNow();
  }
}
