package io.herald.bench.scenario;

import io.herald.bench.load.Load;
import io.herald.bench.load.Routing;
import io.herald.bench.pg.Postgres;
import io.herald.bench.proc.HeraldProcess;
import io.herald.bench.proc.Proc;
import io.herald.bench.report.Metric;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * S7 (PostgreSQL): a long run at half of S1's rate, measured minute by minute; the last minute's throughput and p99
 * against the first's show whether the queue table degrades (update churn, bloat) over time.
 */
public final class S7Soak {
  private S7Soak() {}

  public static Map<String, Object> run(Context ctx, double s1PgRate) throws IOException {
    Map<String, Object> out = new LinkedHashMap<>();
    try (HeraldProcess h = ctx.herald("s7", Store.POSTGRES, Map.of(), List.of(), null)) {
      out.put("warmup", Warmup.run(ctx, h));
      ctx.sink.reset(1, false);
      ctx.setupFanOut(h.port(), "s7", 1);
      Map<String, Object> m = soak(ctx, h, s1PgRate, out);
      Context.requireAlive(h, "Herald");
      return m;
    }
  }

  private static Object hotTables(Context ctx, String database) throws IOException {
    try {
      return ctx.pg().hotTables(database);
    } catch (java.sql.SQLException e) {
      return "not read: " + e.getMessage();
    }
  }

  private static Map<String, Object> soak(Context ctx, HeraldProcess h, double s1PgRate, Map<String, Object> out)
      throws IOException {
    try (Monitor monitor = new Monitor(ctx.sink.port(), 3 * 3600)) {
      String database = Postgres.databaseOf(h.databaseUrl());
      Load load = monitor.load(List.of(new Load.Target(h.port(), HeraldProcess.AUTH_HEADERS)), Routing.fanOut("s7", 1));
      var cpu = Measure.cpu(ctx, Map.of("herald", h.pid()), true);
      double rate = s1PgRate / 2;
      int minutes = (int) Math.max(1, Math.round(ctx.mode.s7Seconds() / 60));
      Load.Phase phase = load.start(Load.Spec.open(ctx.mode.openLoopConnections(), rate, minutes * 60 + 1));
      List<Map<String, Object>> perMinute = new ArrayList<>();
      DiskCanary disk = ctx.disk();
      try {
        for (int i = 0; i < minutes; i++) {
          load.ingestInterval();
          ctx.sink.resetLatency();
          Snapshot a = Snapshot.take(ctx.sink, cpu, ctx.pg(), database, load);
          Context.sleep(60);
          Snapshot b = Snapshot.take(ctx.sink, cpu, ctx.pg(), database, load);
          Map<String, Object> m = a.until(b);
          m.put("diskSync", disk.between(a.nanos(), b.nanos()));
          m.put("e2eLatencyMs", Measure.latency(ctx.sink.latency("", -1)));
          m.put("ingestLatencyMs", Measure.latency(load.ingestInterval()));
          m.put("heraldRssMB", Measure.mb(Proc.rssBytes(h.pid())));
          m.put("pgTables", hotTables(ctx, database));
          perMinute.add(m);
          Context.log("  S7 minute " + (i + 1) + "/" + minutes + ": " + m.get("deliveriesPerSecond") + " deliveries/s");
        }
      } finally {
        phase.stop();
        phase.await();
      }
      Map<String, Object> first = perMinute.get(0);
      Map<String, Object> last = perMinute.get(perMinute.size() - 1);
      out.put("rate", Snapshot.round(rate, 1));
      out.put("minutes", perMinute);
      out.put("lastVsFirstThroughput", Snapshot.round(Metric.num(last, "deliveriesPerSecond")
          / Metric.num(first, "deliveriesPerSecond"), 3));
      out.put("lastVsFirstP99", Snapshot.round(Metric.num(last, "e2eLatencyMs", "p99")
          / Metric.num(first, "e2eLatencyMs", "p99"), 3));
      out.put("delivery", DeliveryCheck.await(ctx.sink, load, Set.of(), 120).toMap());
      return out;
    }
  }
}
