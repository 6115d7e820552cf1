package io.herald.bench.baseline;

import io.herald.bench.load.HttpConnection;
import io.herald.bench.load.Payloads;
import io.herald.bench.proc.Proc;
import io.herald.bench.proc.SinkProcess;
import io.herald.signature.WebhookSecret;
import io.herald.signature.WebhookSigner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * R_raw: the keep-alive POST rate the sink sustains from a load generator, with the body and headers of a Herald
 * delivery (signed, and verified by the sink), and the CPU that costs per request in the sink and the generator.
 * Uses wrk when installed (the cheapest client there is), else the harness's own Java client.
 *
 * <p>Rate and CPU come from the same window: sink counter and /proc of both processes, sampled one second after the
 * start and half a second before the end, so connection set-up and tear-down are outside it.
 */
public final class RawRate {
  /** What one measurement found. */
  public record Result(String generator, double perSecond, double cpuMicrosPerRequest, double sinkCpuMicrosPerRequest,
      double clientCpuMicrosPerRequest, long requests, double seconds, long badSignatures) {
    public Map<String, Object> toMap() {
      return Map.of("generator", generator, "requestsPerSecond", perSecond, "cpuMicrosPerRequest", cpuMicrosPerRequest,
          "sinkCpuMicrosPerRequest", sinkCpuMicrosPerRequest, "clientCpuMicrosPerRequest", clientCpuMicrosPerRequest,
          "requests", requests, "windowSeconds", seconds, "badSignatures", badSignatures);
    }
  }

  private RawRate() {}

  public static boolean wrkInstalled() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Files.isExecutable(Path.of(dir, "wrk"))) {
        return true;
      }
    }
    return false;
  }

  public static Result measure(SinkProcess sink, String secret, Path workDir, double seconds, int connections,
      String userAgent) throws IOException {
    sink.reset(1, false);
    long msgNow = System.currentTimeMillis();
    String id = "msg_rawbaseline";
    long ts = msgNow / 1000;
    byte[] payload = Payloads.payload(0, 0);
    String signature = WebhookSigner.signatureHeader(List.of(WebhookSecret.parse(secret)), id, ts, payload);
    return wrkInstalled()
        ? withWrk(sink, workDir, seconds, connections, userAgent, id, ts, signature, payload)
        : withJava(sink, seconds, connections, userAgent, id, ts, signature, payload);
  }

  private static Result withWrk(SinkProcess sink, Path workDir, double seconds, int connections, String userAgent,
      String id, long ts, String signature, byte[] payload) throws IOException {
    Path script = workDir.resolve("raw.lua");
    Files.createDirectories(workDir);
    Files.writeString(script, "wrk.method = \"POST\"\n"
        + "wrk.body = [[" + new String(payload, StandardCharsets.US_ASCII) + "]]\n"
        + "wrk.headers[\"User-Agent\"] = \"" + userAgent + "\"\n"
        + "wrk.headers[\"Content-Type\"] = \"application/json\"\n"
        + "wrk.headers[\"webhook-id\"] = \"" + id + "\"\n"
        + "wrk.headers[\"webhook-timestamp\"] = \"" + ts + "\"\n"
        + "wrk.headers[\"webhook-signature\"] = \"" + signature + "\"\n");
    int duration = (int) Math.ceil(seconds);
    Path out = workDir.resolve("wrk.out");
    Process wrk = new ProcessBuilder("wrk", "-t1", "-c" + connections, "-d" + duration + "s", "-s", script.toString(),
        "http://127.0.0.1:" + sink.port() + "/raw").redirectErrorStream(true).redirectOutput(out.toFile()).start();
    try {
      Thread.sleep(1000);
      long t0 = System.nanoTime();
      long sink0 = Proc.cpuMicros(sink.pid(), false);
      long wrk0 = Proc.cpuMicros(wrk.pid(), false);
      long n0 = sink.counts().raw();
      Thread.sleep((long) ((duration - 1.5) * 1000));
      long n1 = sink.counts().raw();
      long sink1 = Proc.cpuMicros(sink.pid(), false);
      long wrk1 = Proc.cpuMicros(wrk.pid(), false);
      long t1 = System.nanoTime();
      if (!wrk.waitFor(duration + 30L, TimeUnit.SECONDS)) {
        wrk.destroyForcibly();
      }
      return result("wrk -t1 -c" + connections, n1 - n0, (t1 - t0) / 1e9, sink1 - sink0, wrk1 - wrk0,
          sink.counts().badSignature());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      wrk.destroyForcibly();
      throw new IOException("interrupted", e);
    }
  }

  private static Result withJava(SinkProcess sink, double seconds, int connections, String userAgent, String id,
      long ts, String signature, byte[] payload) throws IOException {
    String headers = "User-Agent: " + userAgent + "\r\nContent-Type: application/json\r\nwebhook-id: " + id
        + "\r\nwebhook-timestamp: " + ts + "\r\nwebhook-signature: " + signature + "\r\n";
    AtomicBoolean stop = new AtomicBoolean();
    List<Thread> threads = new ArrayList<>();
    long deadline = System.nanoTime() + (long) (seconds * 1e9);
    for (int i = 0; i < connections; i++) {
      threads.add(Thread.ofPlatform().daemon().start(() -> {
        try (HttpConnection c = new HttpConnection(sink.port(), 30_000)) {
          byte[] head = c.head("POST", "/raw", headers, payload.length);
          while (!stop.get() && System.nanoTime() < deadline) {
            c.exchange(head, payload);
          }
        } catch (IOException e) {
          // counted by the sink; a broken connection just ends this thread
        }
      }));
    }
    long self = ProcessHandle.current().pid();
    try {
      Thread.sleep(1000);
      long t0 = System.nanoTime();
      long sink0 = Proc.cpuMicros(sink.pid(), false);
      long me0 = Proc.cpuMicros(self, false);
      long n0 = sink.counts().raw();
      Thread.sleep((long) ((seconds - 1.5) * 1000));
      long n1 = sink.counts().raw();
      long sink1 = Proc.cpuMicros(sink.pid(), false);
      long me1 = Proc.cpuMicros(self, false);
      long t1 = System.nanoTime();
      stop.set(true);
      for (Thread t : threads) {
        t.join(35_000);
      }
      return result("java (" + connections + " connections)", n1 - n0, (t1 - t0) / 1e9, sink1 - sink0, me1 - me0,
          sink.counts().badSignature());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stop.set(true);
      throw new IOException("interrupted", e);
    }
  }

  private static Result result(String generator, long n, double secs, long sinkCpu, long clientCpu, long bad) {
    double per = n == 0 ? 0 : 1.0 / n;
    return new Result(generator, n / secs, (sinkCpu + clientCpu) * per, sinkCpu * per, clientCpu * per, n, secs, bad);
  }
}
