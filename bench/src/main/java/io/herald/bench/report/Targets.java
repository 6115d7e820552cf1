package io.herald.bench.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The targets, each checked on the median over repetitions. */
public final class Targets {
  /**
   * One target: a metric, a direction and a threshold; and, where one is measured, the metric of the best value the
   * store allows (the store floor plus two raw requests): a target beyond it cannot be met on that store.
   */
  public record Target(String what, String metricId, boolean atLeast, double threshold, String floorMetricId) {
    Target(String what, String metricId, boolean atLeast, double threshold) {
      this(what, metricId, atLeast, threshold, null);
    }
  }

  private Targets() {}

  public static List<Target> all() {
    List<Target> t = new ArrayList<>();
    t.add(new Target("S1 E2E / R_raw, embedded", "s1e.ratio", true, 0.30, "floor.e2eRatio"));
    t.add(new Target("S1 E2E / R_raw, PostgreSQL", "s1p.ratio", true, 0.20, "floorPg.e2eRatio"));
    t.add(new Target("CPU per delivery / raw request, embedded", "s1e.cpuRatio", false, 3.5, "floor.ratio"));
    t.add(new Target("CPU per delivery / raw request, PostgreSQL", "s1p.cpuRatio", false, 5, "floorPg.ratio"));
    t.add(new Target("commits per delivery, embedded", "s1e.commits", false, 0.05));
    t.add(new Target("commits per delivery, PostgreSQL", "s1p.commits", false, 0.05));
    t.add(new Target("S2 p50 at 50% load, embedded (ms)", "s2e.half.p50", false, 2));
    t.add(new Target("S2 p99 at 50% load, embedded (ms)", "s2e.half.p99", false, 10));
    t.add(new Target("S2 p50 at 50% load, PostgreSQL (ms)", "s2p.half.p50", false, 4));
    t.add(new Target("S2 p99 at 50% load, PostgreSQL (ms)", "s2p.half.p99", false, 20));
    t.add(new Target("S3 fan-out 100 deliveries/s vs S1", "s3.100.vsS1", true, 1.5));
    t.add(new Target("S3 fan-out 100 ingest p99 vs S1", "s3.100.ingestVsS1", false, 1.1));
    t.add(new Target("S4 drain rate vs S1", "s4.vsS1", true, 2));
    t.add(new Target("S4 drain rate at 500k vs 50k backlog", "s4.scale500k", true, 0.95));
    t.add(new Target("S4 drain rate at full vs a tenth of the backlog (smoke stand-in)", "s4.scale", true, 0.95));
    t.add(new Target("S5 healthy p99 vs S2, one endpoint failing", "s5.fail.vsS2", false, 1.2));
    t.add(new Target("S5 healthy p99 vs S2, one endpoint slow (2 s)", "s5.slow.vsS2", false, 1.2));
    t.add(new Target("S6 two processes vs one", "s6.vsOne", true, 1.0));
    t.add(new Target("S6 lost after kill -9", "s6.lost", false, 0));
    t.add(new Target("S7 last-minute vs first-minute throughput", "s7.ratio", true, 0.95));
    t.add(new Target("S8 Herald (embedded) vs naive", "s8.embedded", true, 5));
    t.add(new Target("idle RSS, embedded (MB)", "s1e.idleRss", false, 200));
    t.add(new Target("RSS at S1 peak, embedded (MB)", "s1e.peakRss", false, 600));
    t.add(new Target("idle RSS, PostgreSQL (MB)", "s1p.idleRss", false, 200));
    t.add(new Target("RSS at S1 peak, PostgreSQL (MB)", "s1p.peakRss", false, 600));
    return t;
  }

  /** Each target with its median, range and verdict ("pass", "FAIL" or "not measured"). */
  public static List<Map<String, Object>> evaluate(Map<String, Summary.Stat> summary) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Target t : all()) {
      Summary.Stat s = summary.get(t.metricId());
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("target", t.what());
      m.put("metric", t.metricId());
      m.put("threshold", (t.atLeast() ? ">= " : "<= ") + Summary.round(t.threshold()));
      if (s == null || !s.measured()) {
        m.put("verdict", "not measured");
      } else {
        m.put("median", Summary.round(s.median()));
        m.put("min", Summary.round(s.min()));
        m.put("max", Summary.round(s.max()));
        boolean pass = t.atLeast() ? s.median() >= t.threshold() : s.median() <= t.threshold();
        m.put("verdict", pass ? "pass" : "FAIL");
        Summary.Stat floor = t.floorMetricId() == null ? null : summary.get(t.floorMetricId());
        if (floor != null && floor.measured()) {
          m.put("floor", Summary.round(floor.median()));
          m.put("reachable", t.atLeast() ? floor.median() >= t.threshold() : floor.median() <= t.threshold());
        }
      }
      out.add(m);
    }
    return out;
  }
}
