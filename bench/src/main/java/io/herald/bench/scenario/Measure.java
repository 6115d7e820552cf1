package io.herald.bench.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.herald.bench.load.Load;
import io.herald.bench.pg.Postgres;
import io.herald.bench.proc.Jcmd;
import io.herald.bench.proc.Proc;
import io.herald.bench.proc.SyscallCounter;
import io.herald.bench.proc.ThreadCpu;
import io.herald.bench.report.Metric;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import org.HdrHistogram.Histogram;

/** The two measurement shapes every scenario is built from: saturation and an open-loop rate. */
final class Measure {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Measure() {}

  /** CPU sources: each named process, the harness itself (the load generator) and PostgreSQL when used. */
  static Map<String, LongSupplier> cpu(Context ctx, Map<String, Long> processes, boolean postgres) {
    Map<String, LongSupplier> m = new LinkedHashMap<>();
    processes.forEach((name, pid) -> m.put(name, () -> Proc.cpuMicros(pid, false)));
    long sinkPid = ctx.sink.pid();
    m.put("sink", () -> Proc.cpuMicros(sinkPid, false));
    long self = ProcessHandle.current().pid();
    m.put("loadgen", () -> Proc.cpuMicros(self, false));
    if (postgres) {
      m.put("postgres", () -> {
        try {
          return ctx.pg().cpuMicros();
        } catch (IOException e) {
          return 0;
        }
      });
    }
    return m;
  }

  /**
   * Saturation: closed loop with the backlog cap, a short ramp, then a window in which deliveries, CPU, latency and
   * whatever {@code o} asks for are measured while the load runs.
   */
  static Map<String, Object> saturate(Context ctx, Load load, Map<String, LongSupplier> cpu, Observe o,
      double seconds) throws IOException {
    double ramp = ctx.mode.rampSeconds();
    Load.Phase phase = load.start(Load.Spec.closed(ctx.mode.saturationConnections(), o.backlogCap(),
        ramp + seconds + 60));
    try {
      Context.sleep(ramp);
      load.ingestInterval();
      ctx.sink.resetLatency(System.nanoTime());
      Postgres pg = o.database() == null ? null : ctx.pg();
      if (o.onStart() != null) {
        o.onStart().run();
      }
      SyscallCounter sys = o.syscallPid() > 0 ? SyscallCounter.start(o.syscallPid(), seconds,
          ctx.runDir.resolve("logs/perf-" + System.nanoTime() + ".txt")) : null;
      DiskCanary disk = ctx.disk();
      Snapshot a = Snapshot.take(ctx.sink, cpu, pg, o.database(), load);
      Map<String, Object> m;
      try (RssSampler rss = o.memoryPid() > 0 ? new RssSampler(o.memoryPid(), seconds + 10) : null) {
        Context.sleep(seconds);
        Snapshot b = Snapshot.take(ctx.sink, cpu, pg, o.database(), load);
        m = a.until(b);
        m.put("diskSync", disk.between(a.nanos(), b.nanos()));
        m.put("ingestLatencyMs", latency(load.ingestInterval()));
        if (o.memoryPid() > 0) {
          Jcmd.Heap heap = Jcmd.heap(o.memoryPid());
          m.put("peakRssMB", mb(Math.max(rss.max(), Proc.rssBytes(o.memoryPid()))));
          m.put("heapUsedMB", mb(heap.used()));
          m.put("heapCommittedMB", mb(heap.committed()));
        }
        syscalls(m, sys);
        if (o.onEnd() != null) {
          o.onEnd().run();
        }
      }
      problems(m, load);
      m.put("connections", ctx.mode.saturationConnections());
      m.put("backlogCapDeliveries", o.backlogCap());
      phase.stop();
      phase.await();
      m.put("e2eLatencyMs", afterDrain(ctx, load, Set.of()));
      return m;
    } finally {
      phase.stop();
      phase.await();
    }
  }

  /**
   * Ingest-to-delivered percentiles of the messages sent during the window, read once they all arrived (bounded):
   * reading at the window's end would leave out exactly the slowest ones.
   */
  private static Map<String, Object> afterDrain(Context ctx, Load load, Set<Integer> exclude) throws IOException {
    long t0 = System.nanoTime();
    DeliveryCheck c = DeliveryCheck.await(ctx.sink, load, exclude, 120);
    Map<String, Object> m = latency(ctx.sink.latency(csv(exclude), -1));
    m.put("drainAfterWindowSeconds", Snapshot.round((System.nanoTime() - t0) / 1e9, 2));
    if (c.lost() > 0) {
      m.put("stillMissingAtRead", c.lost());
    }
    return m;
  }

  private static String csv(Set<Integer> s) {
    return String.join(",", s.stream().map(String::valueOf).toList());
  }

  /** A measurement that may fail with an IOException. */
  interface Window {
    Map<String, Object> run() throws IOException;
  }

  /**
   * Runs {@code window} and adds the cores Herald's thread groups used over all of it (ramp included), busiest
   * first: for comparing scenarios run at the same rate, such as S5 against S2 at half of S1.
   */
  static Map<String, Object> withThreadCores(long pid, Window window) throws IOException {
    Map<String, Long> before = ThreadCpu.snapshot(pid);
    long start = System.nanoTime();
    Map<String, Object> m = window.run();
    double seconds = (System.nanoTime() - start) / 1e9;
    Map<String, Object> cores = new LinkedHashMap<>();
    ThreadCpu.between(before, ThreadCpu.snapshot(pid)).entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(8)
        .forEach(e -> cores.put(e.getKey(), Snapshot.round(e.getValue() / 1e6 / seconds, 3)));
    m.put("heraldCoresByThread", cores);
    return m;
  }

  /**
   * Open loop at {@code rate} messages/s: warm-up, then a measured window; the load ends with the window. With a
   * {@code syscallPid} (0: none), that process's syncs and writes are counted over the window: on the embedded store
   * every commit is one fdatasync, so syncs per delivery are its commits per delivery at that rate.
   */
  static Map<String, Object> openLoop(Context ctx, Load load, double rate, Map<String, LongSupplier> cpu,
      String database, double seconds, Set<Integer> excludeFromLatency, long syscallPid) throws IOException {
    double ramp = ctx.mode.rampSeconds();
    Load.Phase phase = load.start(Load.Spec.open(ctx.mode.openLoopConnections(), rate, ramp + seconds + 0.2));
    try {
      Context.sleep(ramp);
      load.ingestInterval();
      ctx.sink.resetLatency(System.nanoTime());
      Postgres pg = database == null ? null : ctx.pg();
      long late0 = load.late();
      DiskCanary disk = ctx.disk();
      SyscallCounter sys = syscallPid > 0 ? SyscallCounter.start(syscallPid, seconds,
          ctx.runDir.resolve("logs/perf-" + System.nanoTime() + ".txt")) : null;
      Snapshot a = Snapshot.take(ctx.sink, cpu, pg, database, load);
      Context.sleep(seconds);
      Snapshot b = Snapshot.take(ctx.sink, cpu, pg, database, load);
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("targetRate", Snapshot.round(rate, 1));
      m.putAll(a.until(b));
      syscalls(m, sys);
      m.put("diskSync", disk.between(a.nanos(), b.nanos()));
      m.put("ingestLatencyMs", latency(load.ingestInterval()));
      m.put("lateSends", load.late() - late0);
      problems(m, load);
      phase.stop();
      phase.await();
      m.put("e2eLatencyMs", afterDrain(ctx, load, excludeFromLatency));
      return m;
    } finally {
      phase.stop();
      phase.await();
    }
  }

  /** Adds {@code sys}'s counts, and syncs and writes per delivery, to window {@code m}; nothing when null. */
  private static void syscalls(Map<String, Object> m, SyscallCounter sys) throws IOException {
    if (sys == null) {
      return;
    }
    Map<String, Long> calls = sys.counts();
    double deliveries = Metric.num(m, "deliveries");
    long syncs = calls.getOrDefault("fsync", 0L) + calls.getOrDefault("fdatasync", 0L);
    m.put("syscalls", calls);
    m.put("fsyncsPerDelivery", Snapshot.round(syncs / deliveries, 4));
    m.put("pwritesPerDelivery", Snapshot.round(calls.getOrDefault("pwrite64", 0L) / deliveries, 2));
  }

  /** Waits (bounded) until the sink has every accepted delivery, so the next phase starts from an empty queue. */
  static void settle(Context ctx, Load load, Monitor monitor, double timeoutSeconds) {
    long deadline = System.nanoTime() + (long) (timeoutSeconds * 1e9);
    while (monitor.unique() < load.acceptedDeliveries() && System.nanoTime() < deadline) {
      Context.sleep(0.05);
    }
  }

  /** Requests Herald refused or that failed, with the last reason: a run where these are not 0 needs a look. */
  static void problems(Map<String, Object> m, Load load) {
    m.put("requestsRefused", load.refused());
    m.put("requestsFailed", load.errors());
    if (load.refused() + load.errors() > 0) {
      m.put("lastRequestProblem", load.lastError());
    }
  }

  static Map<String, Object> latency(Histogram h) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("count", h.getTotalCount());
    if (h.getTotalCount() == 0) {
      return m; // no percentiles of nothing: the report shows "not measured"
    }
    m.put("p50", ms(h.getValueAtPercentile(50)));
    m.put("p90", ms(h.getValueAtPercentile(90)));
    m.put("p99", ms(h.getValueAtPercentile(99)));
    m.put("p999", ms(h.getValueAtPercentile(99.9)));
    m.put("max", ms(h.getMaxValue()));
    return m;
  }

  static Map<String, Object> latency(String sinkJson) throws IOException {
    JsonNode n = JSON.readTree(sinkJson);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("count", n.get("count").asLong());
    if (n.get("count").asLong() == 0) {
      return m;
    }
    for (String p : new String[] {"p50", "p90", "p99", "p999", "max"}) {
      m.put(p, ms(n.get(p).asLong()));
    }
    return m;
  }

  private static double ms(long micros) {
    return Snapshot.round(micros / 1000.0, 3);
  }

  static double mb(long bytes) {
    return bytes < 0 ? -1 : Snapshot.round(bytes / (1024.0 * 1024.0), 1);
  }

}
