package io.herald.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.herald.bench.baseline.FsyncRate;
import io.herald.bench.baseline.PgCommitRate;
import io.herald.bench.baseline.RawRate;
import io.herald.bench.baseline.StoreFloor;
import io.herald.bench.proc.HeraldProcess;
import io.herald.bench.report.Machine;
import io.herald.bench.report.MarkdownReport;
import io.herald.bench.report.Metric;
import io.herald.bench.report.Summary;
import io.herald.bench.report.Targets;
import io.herald.bench.scenario.Context;
import io.herald.bench.scenario.Mode;
import io.herald.bench.scenario.Profile;
import io.herald.bench.scenario.S1Saturation;
import io.herald.bench.scenario.S2Latency;
import io.herald.bench.scenario.S3FanOut;
import io.herald.bench.scenario.S4RetryBacklog;
import io.herald.bench.scenario.S5Isolation;
import io.herald.bench.scenario.S6TwoProcesses;
import io.herald.bench.scenario.S7Soak;
import io.herald.bench.scenario.S8Naive;
import io.herald.bench.scenario.S9Retention;
import io.herald.bench.scenario.Store;
import io.herald.bench.scenario.Warmup;
import io.herald.signature.WebhookSecret;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** One invocation: baselines and scenarios interleaved per repetition, then the profile, the JSON and the report. */
final class Bench {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** A scenario step that may fail without ending the run. */
  private interface Step {
    Object run() throws Exception;
  }

  private Bench() {}

  static int run(Main.Options o) throws Exception {
    long started = System.nanoTime();
    Path jar = o.root().resolve("server/target/herald.jar");
    if (!Files.exists(jar)) {
      System.err.println("no " + jar + ": build first (bench/run does)");
      return 1;
    }
    String id = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    Mode mode = o.full() ? Mode.full() : Mode.smoke();
    if (o.reps() > 0) {
      mode = mode.withReps(o.reps());
    }
    if (o.windowScale() != 1) {
      mode = mode.withWindowScale(o.windowScale());
    }
    if (o.s4() != null) {
      mode = mode.withS4(o.s4()[0], o.s4()[1]);
    }
    if (o.warmup() != null) {
      mode = mode.withWarmup(o.warmup()[0], o.warmup()[1]);
    }
    Set<String> sel = selection(o.only(), o.full());
    if (o.retentionSeconds() > 0) {
      mode = mode.withRetention(o.retentionSeconds());
    }
    if (o.soakSeconds() > 0) {
      mode = mode.withSoak(o.soakSeconds());
    } else if (sel.contains("S7") && mode.s7Seconds() <= 0) {
      mode = mode.withSoak(120);
    }
    boolean pg = sel.contains("S1") || sel.contains("S2") || sel.contains("S6") || sel.contains("S7")
        || sel.contains("S8") || sel.contains("S9");
    Path runDir = o.root().resolve("bench/target/runs").resolve(id);
    Map<String, Object> results = new LinkedHashMap<>();
    Map<String, Object> run = new LinkedHashMap<>();
    run.put("id", id);
    run.put("mode", mode.name());
    run.put("repetitions", mode.reps());
    run.put("scenarios", List.copyOf(sel));
    run.put("startedAt", LocalDateTime.now().withNano(0).toString().replace('T', ' '));
    results.put("run", run);
    results.put("machine", Machine.describe());
    Map<String, Object> versions = Machine.versions(jar, o.root());
    versions.put("db-scheduler (S8)", "16.7.0");
    results.put("versions", versions);
    Context.log("Herald " + versions.get("herald") + ", " + mode.name() + " mode, " + mode.reps() + " repetition(s), "
        + sel + "; work directory " + runDir);
    // Read once here so that a malformed BENCH_HERALD_SETTINGS stops the run before its baselines, not minutes in.
    Map<String, String> diagnosticSettings = HeraldProcess.diagnosticSettings();
    if (!diagnosticSettings.isEmpty()) {
      Context.log("every Herald gets " + diagnosticSettings + " (BENCH_HERALD_SETTINGS, diagnostic)");
    }

    List<Map<String, Object>> reps = new ArrayList<>();
    results.put("reps", reps);
    Path json = o.root().resolve("bench/results").resolve(id + ".json");
    String secret = WebhookSecret.generate().reveal();
    Map<String, String> pgSettings = null;
    try (Context ctx = new Context(mode, jar, runDir, secret, (String) versions.get("herald"))) {
      if (pg) {
        pgSettings = ctx.pg().settings();
        versions.put("postgresql", pgSettings.get("server_version"));
        Context.log("PostgreSQL " + pgSettings);
      }
      for (int r = 1; r <= mode.reps(); r++) {
        Context.log("repetition " + r + "/" + mode.reps());
        Map<String, Object> rep = new LinkedHashMap<>();
        rep.put("rep", r);
        reps.add(rep);
        repetition(ctx, sel, rep, r, pg, results);
        write(json, results);
      }
    }
    run.put("loadAverageAtEnd", Machine.loadAverage());
    run.put("durationMinutes", Math.round((System.nanoTime() - started) / 6e10 * 10) / 10.0);
    Map<String, Summary.Stat> summary = Summary.of(reps);
    List<Map<String, Object>> targets = Targets.evaluate(summary);
    Map<String, Object> summaryOut = new LinkedHashMap<>();
    summary.forEach((k, v) -> {
      if (v.measured()) {
        summaryOut.put(k, v.toMap());
      }
    });
    results.put("summary", summaryOut);
    results.put("targets", targets);
    long lost = Summary.sumKey(reps, "lost");
    results.put("lostTotal", lost);
    results.put("duplicatesTotal", Summary.sumKey(reps, "duplicates"));
    results.put("badSignaturesTotal", Summary.sumKey(reps, "badSignatures"));
    List<String> errors = Summary.errors(results);
    results.put("errors", errors);
    results.put("settings", MarkdownReport.settings(HeraldSettings.shown(), pgSettings, Map.of(
        "saturation", mode.saturationConnections() + " closed-loop connections, backlog cap " + mode.backlogCap()
            + " deliveries", "openLoop", mode.openLoopConnections() + " connections", "payload", "256 bytes",
        "windows", "warm-up until stable (" + mode.warmMinSeconds() + "-" + mode.warmMaxSeconds()
            + " s) once per JVM, ramp " + mode.rampSeconds() + " s, S1 " + mode.s1Seconds() + " s, S2 "
            + mode.s2Seconds() + " s per rate, S3 " + mode.s3Seconds() + " s, S5 " + mode.s5Seconds() + " s, S8 "
            + mode.s8Seconds() + " s")));
    write(json, results);
    if (o.docs()) {
      MarkdownReport.write(o.root().resolve("docs/performance.md"), results, summary, targets);
    }
    print(summary, targets, lost, json);
    errors.forEach(e -> System.out.println("INCOMPLETE: " + e));
    return lost > 0 || Summary.sumKey(reps, "badSignatures") > 0 ? 2 : errors.isEmpty() ? 0 : 3;
  }

  private static void repetition(Context ctx, Set<String> sel, Map<String, Object> rep, int r, boolean pg,
      Map<String, Object> results) {
    Mode mode = ctx.mode;
    Map<String, Object> baselines = new LinkedHashMap<>();
    rep.put("baselines", baselines);
    baselines.put("raw", step("R_raw", () -> RawRate.measure(ctx.sink, ctx.secret, ctx.runDir.resolve("wrk"),
        mode.rawSeconds(), 32, ctx.userAgent).toMap()));
    baselines.put("fsync", step("fsync", () -> FsyncRate.measure(ctx.runDir.resolve("data"), mode.fsyncSeconds())));
    baselines.put("storeFloor", step("store floor", () -> StoreFloor.measure(ctx.jar, ctx.runDir.resolve("data"),
        mode.rawSeconds())));
    if (pg) {
      baselines.put("pgCommits", step("PostgreSQL commits", () -> PgCommitRate.measure(ctx.newDatabase("probe"),
          mode.pgSeconds())));
      baselines.put("storeFloorPostgres", step("store floor, PostgreSQL", () -> StoreFloor.measurePostgres(ctx.jar,
          ctx.runDir.resolve("data"), ctx.newDatabase("floor"), ctx.pg().pid(), mode.rawSeconds())));
    }
    Map<String, Object> s1 = new LinkedHashMap<>();
    Map<String, Object> s2 = new LinkedHashMap<>();
    rep.put("S1", s1);
    if (sel.contains("S2")) {
      rep.put("S2", s2);
    }

    // One warmed-up Herald per store carries the scenarios that need no special settings, each on its own
    // applications, one after the other, as a long-running server would.
    step("embedded Herald", () -> {
      try (HeraldProcess h = ctx.herald("embedded", Store.EMBEDDED, Map.of(), List.of(), null)) {
        Map<String, Object> idle = S1Saturation.idleMemory(ctx, h);
        s1.put("embeddedWarmup", Warmup.run(ctx, h));
        s1.put("embedded", on(h, "S1 embedded", () -> S1Saturation.run(ctx, h, Store.EMBEDDED)));
        Metric.put(s1, idle, "embedded", "idleMemory");
        double rate = Metric.num(rep, "S1", "embedded", "deliveriesPerSecond");
        if (sel.contains("S2")) {
          s2.put("embedded", on(h, "S2 embedded", () -> S2Latency.run(ctx, h, Store.EMBEDDED, need(rate))));
        }
        if (sel.contains("S3")) {
          Map<String, Object> s3 = new LinkedHashMap<>();
          rep.put("S3", s3);
          s3.put("fanOut10", on(h, "S3 fan-out 10", () -> S3FanOut.run(ctx, h, 10)));
          s3.put("fanOut100", on(h, "S3 fan-out 100", () -> S3FanOut.run(ctx, h, 100)));
        }
        if (sel.contains("S5")) {
          Map<String, Object> s5 = new LinkedHashMap<>();
          rep.put("S5", s5);
          s5.put("fail", on(h, "S5 one endpoint failing", () -> S5Isolation.run(ctx, h, "fail", need(rate) / 2)));
          s5.put("slow", on(h, "S5 one endpoint slow", () -> S5Isolation.run(ctx, h, "slow", need(rate) / 2)));
        }
        if (r == ctx.mode.reps()) {
          results.put("profile", on(h, "profile (JFR)", () -> Profile.run(ctx, h)));
        }
        return null;
      } finally {
        ctx.cleanData();
      }
    });
    if (mode.accountingSeconds() > 0 && r == 1) {
      s1.put("embeddedAccounting", step("S1 embedded under strace", () -> S1Saturation.accounting(ctx)));
    }
    if (sel.contains("S4")) {
      rep.put("S4", step("S4 retry backlog", () -> S4RetryBacklog.run(ctx, mode.s4Messages())));
      if (r == 1 && mode.s4ScaleMessages() > 0) {
        rep.put("S4scale", step("S4 " + mode.s4ScaleMessages() + " backlog",
            () -> S4RetryBacklog.run(ctx, mode.s4ScaleMessages())));
      }
    }
    if (pg) {
      step("PostgreSQL Herald", () -> {
        try (HeraldProcess h = ctx.herald("postgres", Store.POSTGRES, Map.of(), List.of(), null)) {
          Map<String, Object> idle = S1Saturation.idleMemory(ctx, h);
          s1.put("postgresWarmup", Warmup.run(ctx, h));
          s1.put("postgres", on(h, "S1 postgres", () -> S1Saturation.run(ctx, h, Store.POSTGRES)));
          Metric.put(s1, idle, "postgres", "idleMemory");
          double rate = Metric.num(rep, "S1", "postgres", "deliveriesPerSecond");
          if (sel.contains("S2")) {
            s2.put("postgres", on(h, "S2 postgres", () -> S2Latency.run(ctx, h, Store.POSTGRES, need(rate))));
          }
          return null;
        }
      });
    }
    double s1p = Metric.num(rep, "S1", "postgres", "deliveriesPerSecond");
    if (sel.contains("S6")) {
      rep.put("S6", step("S6 two processes", () -> S6TwoProcesses.run(ctx, need(s1p))));
    }
    if (sel.contains("S8")) {
      rep.put("S8", step("S8 naive baseline", () -> S8Naive.run(ctx)));
    }
    if (sel.contains("S7") && r == 1) {
      rep.put("S7", step("S7 soak", () -> S7Soak.run(ctx, need(s1p))));
    }
    if (sel.contains("S9") && r == 1) {
      Map<String, Object> s9 = new LinkedHashMap<>();
      rep.put("S9", s9);
      double s1e = Metric.num(rep, "S1", "embedded", "deliveriesPerSecond");
      s9.put("embedded", step("S9 retention, embedded", () -> {
        try {
          return S9Retention.run(ctx, Store.EMBEDDED, need(s1e) / 2, (int) (mode.s9Seconds() * s1e / 2));
        } finally {
          ctx.cleanData();
        }
      }));
      if (pg) {
        s9.put("postgres", step("S9 retention, postgres",
            () -> S9Retention.run(ctx, Store.POSTGRES, need(s1p) / 2, (int) (mode.s9Seconds() * s1p / 2))));
      }
    }
  }

  /**
   * A step on a running Herald: fails (and is reported) when that process is gone before or after it, so a crash, or
   * a process killed from outside, never reads as a fast, loss-free scenario.
   */
  private static Object on(HeraldProcess h, String name, Step step) {
    return step(name, () -> {
      requireAlive(h, name);
      Object result = step.run();
      requireAlive(h, name);
      return result;
    });
  }

  private static void requireAlive(HeraldProcess h, String name) {
    if (!h.alive()) {
      throw new IllegalStateException("Herald (pid " + h.pid() + ") is not running at \"" + name + "\"; see "
          + h.log());
    }
  }

  private static Object step(String name, Step step) {
    Context.log(name + " ...");
    long t0 = System.nanoTime();
    try {
      Object result = step.run();
      Context.log(name + " done in " + Math.round((System.nanoTime() - t0) / 1e9) + " s: " + brief(result));
      return result;
    } catch (Exception | AssertionError e) {
      Context.log(name + " FAILED: " + e);
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("error", String.valueOf(e));
      return m;
    }
  }

  @SuppressWarnings("unchecked")
  private static String brief(Object result) {
    if (!(result instanceof Map<?, ?> m)) {
      return "";
    }
    Map<String, Object> map = (Map<String, Object>) m;
    List<String> parts = new ArrayList<>();
    for (String key : new String[] {"requestsPerSecond", "syncsPerSecond", "oneConnectionCommitsPerSecond",
        "deliveriesPerSecond", "drainPerSecond", "fullVsTenthBacklog", "commitsPerDelivery",
        "redeliveryDelaySeconds"}) {
      if (map.get(key) instanceof Number n) {
        parts.add(key + "=" + n);
      }
    }
    if (map.get("cpuMicrosPerDelivery") instanceof Map<?, ?> cpu) {
      parts.add("cpuAll=" + cpu.get("all") + "µs");
    }
    if (map.get("drainCpuMicrosPerDelivery") instanceof Map<?, ?> cpu) {
      parts.add("cpuHerald=" + cpu.get("herald") + "µs");
    }
    if (map.get("e2eLatencyMs") instanceof Map<?, ?> lat) {
      parts.add("p50=" + lat.get("p50") + "ms p99=" + lat.get("p99") + "ms");
    }
    long lost = Summary.sumKey(map, "lost");
    long dup = Summary.sumKey(map, "duplicates");
    parts.add("lost=" + lost + " dup=" + dup);
    return String.join(" ", parts);
  }

  private static double need(double rate) {
    if (Double.isNaN(rate) || rate <= 0) {
      throw new IllegalStateException("S1 of this store did not produce a rate, which this scenario derives from");
    }
    return rate;
  }

  private static Set<String> selection(Set<String> only, boolean full) {
    Set<String> sel = new LinkedHashSet<>();
    if (only.isEmpty()) {
      sel.addAll(List.of("S1", "S2", "S3", "S4", "S5", "S6", "S8", "S9"));
      if (full) {
        sel.add("S7");
      }
    } else {
      sel.addAll(only);
    }
    if (sel.contains("S5")) {
      sel.add("S2");
    }
    sel.add("S1");
    return sel;
  }

  /** docs/performance.md from a finished run's results: its summary and verdicts computed again, as at its end. */
  @SuppressWarnings("unchecked")
  static int report(Path root, Path json) throws java.io.IOException {
    Map<String, Object> results = JSON.readValue(json.toFile(), Map.class);
    List<Map<String, Object>> reps = (List<Map<String, Object>>) results.get("reps");
    Map<String, Summary.Stat> summary = Summary.of(reps);
    List<Map<String, Object>> targets = Targets.evaluate(summary);
    results.put("targets", targets);
    MarkdownReport.write(root.resolve("docs/performance.md"), results, summary, targets);
    System.out.println("docs/performance.md written from " + json);
    return 0;
  }

  private static void write(Path json, Map<String, Object> results) throws java.io.IOException {
    Files.createDirectories(json.getParent());
    JSON.writeValue(json.toFile(), results);
  }

  private static void print(Map<String, Summary.Stat> summary, List<Map<String, Object>> targets, long lost,
      Path json) {
    System.out.println();
    for (Map<String, Object> t : targets) {
      if (!"not measured".equals(t.get("verdict"))) {
        System.out.printf("  %-6s %-62s %10s  (goal %s)%s%n", t.get("verdict"), t.get("target"), t.get("median"),
            t.get("threshold"), t.containsKey("floor") ? " at the store floor: " + t.get("floor")
                + (Boolean.FALSE.equals(t.get("reachable")) ? ", beyond it" : "") : "");
      }
    }
    System.out.println();
    System.out.println(lost == 0 ? "No delivery lost." : "RUN FAILED: " + lost + " deliveries lost.");
    System.out.println("Results: " + json + " (" + summary.values().stream().filter(Summary.Stat::measured).count()
        + " metrics)");
  }
}
