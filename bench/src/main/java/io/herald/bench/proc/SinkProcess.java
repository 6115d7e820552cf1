package io.herald.bench.proc;

import io.herald.bench.load.HttpConnection;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** The sink as a separate JVM, and the harness's side of its {@code /_ctl} interface. */
public final class SinkProcess extends JavaProcess {
  private static final Pattern READY = Pattern.compile("sink listening on (\\d+)");

  /** Counters since the last reset. */
  public record Counts(long unique, long duplicates, long rejected, long raw, long badSignature, long malformed) {}

  private final int port;
  private final HttpConnection control;

  public SinkProcess(String secret, Path log, long lifetimeSeconds) throws IOException {
    super("sink", java(List.of("-Xms64m", "-Xmx1g", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
        "io.herald.bench.sink.SinkMain", secret, Long.toString(lifetimeSeconds))), Map.of(), log);
    port = Integer.parseInt(awaitLine(READY, 30_000));
    control = new HttpConnection(port, 30_000);
  }

  public int port() {
    return port;
  }

  /** Base URL of endpoint {@code n}. */
  public String endpointUrl(int n) {
    return "http://127.0.0.1:" + port + "/hook/" + n;
  }

  /** Forgets everything; {@code width} endpoint slots per message; {@code times} records first-delivery times. */
  public void reset(int width, boolean times) throws IOException {
    ctl("reset?width=" + width + "&times=" + (times ? 1 : 0));
  }

  /** Starts a new latency window. */
  public void resetLatency() throws IOException {
    ctl("latreset");
  }

  /**
   * Starts a new latency window that counts only messages meant to be sent from {@code fromNanos} on (this
   * machine's CLOCK_MONOTONIC), wherever they arrive: read it after they all arrived, and a window's stragglers are
   * in it while the previous window's are not.
   */
  public void resetLatency(long fromNanos) throws IOException {
    ctl("latreset?from=" + fromNanos);
  }

  /** Endpoint {@code endpoint} (-1: all) answers {@code status} after {@code delayMs}. */
  public void behave(int endpoint, int status, long delayMs) throws IOException {
    ctl("behave?ep=" + endpoint + "&status=" + status + "&delay=" + delayMs);
  }

  public Counts counts() throws IOException {
    String[] f = ctl("count").split(" ");
    return new Counts(Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]),
        Long.parseLong(f[4]), Long.parseLong(f[5]));
  }

  /** Latency percentiles (JSON, microseconds) over endpoints not excluded ({@code only} -1: all). */
  public String latency(String exclude, int only) throws IOException {
    return ctl("latency?exclude=" + exclude + "&only=" + only);
  }

  /** Deliveries per key ({@code seq * width + endpoint}), saturating at 127. */
  public synchronized byte[] perKeyCounts() throws IOException {
    return control.get("/_ctl/counts").body();
  }

  /**
   * First ({@code [0]}) and latest ({@code [1]}) delivery time per key in ms since reset plus one (0: never), when
   * reset asked for them.
   */
  public synchronized int[][] deliveryTimesMs() throws IOException {
    ByteBuffer b = ByteBuffer.wrap(control.get("/_ctl/times").body());
    int n = b.remaining() / 8;
    int[][] out = new int[2][n];
    for (int i = 0; i < n; i++) {
      out[0][i] = b.getInt();
      out[1][i] = b.getInt();
    }
    return out;
  }

  private synchronized String ctl(String command) throws IOException {
    HttpConnection.Response r = control.get("/_ctl/" + command);
    if (r.status() != 200) {
      throw new IOException("sink control " + command + " answered " + r.status());
    }
    return r.text();
  }

  @Override
  public void close() {
    try {
      ctl("stop");
    } catch (IOException ignored) {
      // it is stopped below anyway
    }
    control.close();
    super.close();
  }
}
