package io.herald.bench.scenario;

import io.herald.bench.load.Load;
import io.herald.bench.pg.Postgres;
import io.herald.bench.proc.SinkProcess;
import java.io.IOException;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Counters at one instant, so that a measurement window is the difference of two: deliveries from the sink, CPU of
 * every process from /proc, commits and WAL syncs from PostgreSQL's statistics, messages accepted by the generator.
 */
record Snapshot(long nanos, SinkProcess.Counts sink, Map<String, Long> cpu, Postgres.Stats pg, long accepted,
    long acceptedDeliveries) {

  static Snapshot take(SinkProcess sink, Map<String, LongSupplier> cpu, Postgres pg, String database, Load load)
      throws IOException {
    Map<String, Long> c = new LinkedHashMap<>();
    cpu.forEach((name, s) -> c.put(name, s.getAsLong()));
    Postgres.Stats stats = null;
    if (pg != null && database != null) {
      try {
        stats = pg.stats(database);
      } catch (SQLException e) {
        throw new IOException("cannot read PostgreSQL statistics: " + e.getMessage(), e);
      }
    }
    return new Snapshot(System.nanoTime(), sink.counts(), c, stats, load == null ? 0 : load.acceptedMessages(),
        load == null ? 0 : load.acceptedDeliveries());
  }

  /** Rates and per-delivery costs between {@code this} and a later snapshot. */
  Map<String, Object> until(Snapshot end) {
    Map<String, Object> m = new LinkedHashMap<>();
    double secs = (end.nanos - nanos) / 1e9;
    long delivered = end.sink.unique() - sink.unique();
    m.put("windowSeconds", round(secs, 2));
    m.put("deliveries", delivered);
    m.put("deliveriesPerSecond", round(delivered / secs, 1));
    m.put("acceptedMessagesPerSecond", round((end.accepted - accepted) / secs, 1));
    m.put("backlogAtStart", acceptedDeliveries - sink.unique());
    m.put("backlogAtEnd", end.acceptedDeliveries - end.sink.unique());
    long total = 0;
    for (Map.Entry<String, Long> e : cpu.entrySet()) {
      total += end.cpu.getOrDefault(e.getKey(), e.getValue()) - e.getValue();
    }
    m.put("cpuCoresUsed", round(total / 1e6 / secs, 2));
    if (delivered == 0) {
      return m; // nothing per delivery to report; the report shows these as not measured
    }
    Map<String, Object> cpuPer = new LinkedHashMap<>();
    for (Map.Entry<String, Long> e : cpu.entrySet()) {
      long d = end.cpu.getOrDefault(e.getKey(), e.getValue()) - e.getValue();
      cpuPer.put(e.getKey(), round((double) d / delivered, 2));
    }
    cpuPer.put("all", round((double) total / delivered, 2));
    m.put("cpuMicrosPerDelivery", cpuPer);
    if (pg != null && end.pg != null) {
      Postgres.Stats d = end.pg.minus(pg);
      m.put("pgCommitsPerDelivery", round((double) d.xactCommit() / delivered, 4));
      m.put("pgWalSyncsPerDelivery", round((double) d.walSync() / delivered, 4));
      m.put("pgCommitsPerSecond", round(d.xactCommit() / secs, 1));
      m.put("pgWalSyncsPerSecond", round(d.walSync() / secs, 1));
      m.put("pgWalBytesPerDelivery", round((double) d.walBytes() / delivered, 1));
      m.put("pgCheckpoints", d.checkpoints()); // started in the window (timed or requested)
      m.put("pgAutovacuums", d.autovacuums()); // autovacuum and autoanalyze runs on Herald's tables
    }
    return m;
  }

  static double round(double v, int places) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      return 0;
    }
    double f = Math.pow(10, places);
    return Math.round(v * f) / f;
  }
}
