package io.herald.bench.scenario;

import io.herald.bench.load.Load;
import io.herald.bench.load.Routing;
import io.herald.bench.pg.Postgres;
import io.herald.bench.proc.HeraldApi;
import io.herald.bench.proc.HeraldProcess;
import io.herald.bench.report.Metric;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * S9 retention: a Herald started on a store holding {@code messages} messages older than its retention (30 days, the
 * default) deletes them in its first retention pass, a minute after it starts, while producers send at half of S1's
 * rate from the start. A Herald that runs for longer than its retention meets the same work every pass (every 10
 * minutes, the traffic of 10 minutes a month ago). Measured: how fast the pass deletes (against the offered rate: above
 * 1 it keeps up with the traffic that makes new history), and the producers' and deliveries' latency while it runs
 * against the half minute before it (the same warm process, the same rate) and after it, once any backlog it left was
 * delivered.
 */
public final class S9Retention {
  /** Herald's first retention pass starts this long after Herald (HeraldServer.RETENTION_FIRST_AFTER). */
  static final double FIRST_PASS_SECONDS = 60;
  /** The window before the pass: from this long after start until just before the pass. */
  static final double BEFORE_FROM_SECONDS = 25;
  static final double BEFORE_UNTIL_SECONDS = 57;
  /** Longest a pass may take before the scenario stops waiting for it. */
  static final double MAX_PASS_SECONDS = 900;

  private S9Retention() {}

  public static Map<String, Object> run(Context ctx, Store store, double rate, int messages) throws IOException {
    Map<String, Object> out = new LinkedHashMap<>();
    Map<String, String> settings = new LinkedHashMap<>();
    String target;
    if (store == Store.EMBEDDED) {
      Path data = ctx.runDir.resolve("data").resolve("s9-history");
      Context.deleteTree(data);
      target = data.toString();
      settings.put("HERALD_DATA_DIR", target);
    } else {
      target = ctx.newDatabase("herald");
      settings.put("HERALD_DATABASE_URL", target);
    }
    Map<String, Object> history = History.seed(ctx.jar, ctx.runDir, target, messages, rate);
    out.put("history", history);
    Context.log("  S9 " + store + ": " + messages + " old messages written in " + history.get("seconds") + " s");
    if (store == Store.POSTGRES) {
      // Month-old rows were vacuumed and checkpointed long ago; without this, "before" measured the seeding's own
      // checkpoint and autovacuums (p99 182-374 ms in 214428, 221225 and 223521).
      // The embedded store's seeding ends by closing its database, which checkpoints SQLite's WAL.
      try {
        history.put("settleSeconds", Snapshot.round(ctx.pg().settle(Postgres.databaseOf(target)), 1));
      } catch (java.sql.SQLException e) {
        throw new IOException("settling S9's history: " + e.getMessage(), e);
      }
    }
    try (HeraldProcess h = ctx.herald("s9-" + store.name().toLowerCase(), store, settings, List.of(), null)) {
      long started = System.nanoTime();
      ctx.sink.reset(1, false);
      ctx.setupFanOut(h.port(), "s9", 1);
      String database = store == Store.POSTGRES ? Postgres.databaseOf(target) : null;
      Postgres pg = database == null ? null : ctx.pg();
      var cpu = Measure.cpu(ctx, Map.of("herald", h.pid()), store == Store.POSTGRES);
      try (Monitor monitor = new Monitor(ctx.sink.port(), 3600)) {
        Load load = monitor.load(List.of(new Load.Target(h.port(), HeraldProcess.AUTH_HEADERS)),
            Routing.fanOut("s9", 1));
        Load.Phase phase = load.start(Load.Spec.open(ctx.mode.openLoopConnections(), rate,
            FIRST_PASS_SECONDS + MAX_PASS_SECONDS + 120 + ctx.mode.s2Seconds()));
        try {
          sleepUntil(started, BEFORE_FROM_SECONDS);
          out.put("before", window(ctx, load, cpu, pg, database, () -> sleepUntil(started, BEFORE_UNTIL_SECONDS)));
          sleepUntil(started, FIRST_PASS_SECONDS);
          boolean finished;
          try (HeraldApi api = new HeraldApi(h.port())) { // opened now: an idle connection would have been closed
            out.put("during", window(ctx, load, cpu, pg, database, () -> {
              while (api.hasMessages(History.APP) && seconds(started) < FIRST_PASS_SECONDS + MAX_PASS_SECONDS) {
                Context.sleep(0.25);
              }
            }));
            finished = !api.hasMessages(History.APP);
          }
          double passSeconds = seconds(started) - FIRST_PASS_SECONDS;
          out.put("passFinished", finished);
          out.put("passSeconds", Snapshot.round(passSeconds, 1));
          out.put("messagesDeletedPerSecond", Snapshot.round(messages / passSeconds, 1));
          out.put("rate", Snapshot.round(rate, 1));
          out.put("deletedVsOffered", Snapshot.round(messages / passSeconds / rate, 2));
          Context.log("  S9 " + store + ": the pass " + (finished ? "ended" : "had not ended") + " after about "
              + Snapshot.round(passSeconds, 1) + " s (" + out.get("messagesDeletedPerSecond") + " messages/s)");
          out.put("catchUpSeconds", Snapshot.round(catchUp(load, monitor, rate), 1));
          out.put("after", window(ctx, load, cpu, pg, database, () -> Context.sleep(ctx.mode.s2Seconds())));
        } finally {
          phase.stop();
          phase.await();
        }
        for (String part : List.of("during", "after")) {
          out.put("p99" + Character.toUpperCase(part.charAt(0)) + part.substring(1) + "VsBefore",
              Snapshot.round(Metric.num(out, part, "e2eLatencyMs", "p99")
                  / Metric.num(out, "before", "e2eLatencyMs", "p99"), 2));
        }
        out.put("ingestP99DuringVsBefore", Snapshot.round(Metric.num(out, "during", "ingestLatencyMs", "p99")
            / Metric.num(out, "before", "ingestLatencyMs", "p99"), 2));
        out.put("delivery", DeliveryCheck.await(ctx.sink, load, Set.of(), 120).toMap());
      }
      Context.requireAlive(h, "Herald");
    }
    return out;
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }

  private static void sleepUntil(long since, double seconds) {
    Context.sleep(Math.max(0, seconds - seconds(since)));
  }

  /**
   * Waits (up to three minutes) until the pass's wake has passed: producers' requests answered within 50 ms again
   * (the open-loop generator is behind while they are not) and what is accepted but undelivered down to a twentieth
   * of a second's traffic.
   */
  private static double catchUp(Load load, Monitor monitor, double rate) {
    long from = System.nanoTime();
    load.ingestInterval();
    while (seconds(from) < 180) {
      Context.sleep(0.5);
      var recent = load.ingestInterval();
      if (recent.getTotalCount() > 0 && recent.getMaxValue() < 50_000
          && load.acceptedDeliveries() - monitor.unique() <= rate / 20) {
        break;
      }
    }
    return seconds(from);
  }

  private interface Wait {
    void run() throws IOException;
  }

  /** One window while {@code wait} runs: rates, CPU, disk syncs, and the producers' and deliveries' latency. */
  private static Map<String, Object> window(Context ctx, Load load, Map<String, java.util.function.LongSupplier> cpu,
      Postgres pg, String database, Wait wait) throws IOException {
    load.ingestInterval();
    ctx.sink.resetLatency();
    DiskCanary disk = ctx.disk();
    Snapshot a = Snapshot.take(ctx.sink, cpu, pg, database, load);
    wait.run();
    Snapshot b = Snapshot.take(ctx.sink, cpu, pg, database, load);
    Map<String, Object> m = a.until(b);
    m.put("diskSync", disk.between(a.nanos(), b.nanos()));
    m.put("ingestLatencyMs", Measure.latency(load.ingestInterval()));
    m.put("e2eLatencyMs", Measure.latency(ctx.sink.latency("", -1)));
    Measure.problems(m, load);
    return m;
  }
}
