package io.herald.bench.scenario;

import io.herald.bench.proc.HeraldProcess;
import io.herald.bench.proc.Jcmd;
import io.herald.bench.proc.ThreadCpu;
import io.herald.bench.profile.JfrSummary;
import io.herald.bench.report.Metric;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where Herald's time goes during an S1 window on the warmed-up process: a JFR recording started and dumped with
 * jcmd exactly around the window (so start-up and JIT warm-up are not in it), and CPU per thread group from /proc,
 * which also sees the JIT, the GC and native code that JFR's Java samples do not.
 */
public final class Profile {
  private Profile() {}

  public static Map<String, Object> run(Context ctx, HeraldProcess h) throws IOException {
    Path jfr = ctx.runDir.resolve("herald-s1.jfr");
    Map<String, Map<String, Long>> threads = new LinkedHashMap<>();
    Map<String, Object> s1 = S1Saturation.run(ctx, h, Store.EMBEDDED, "profile", () -> {
      Jcmd.run(h.pid(), "JFR.start", "name=bench", "settings=profile", "jdk.ObjectAllocationInNewTLAB#enabled=true",
          "jdk.ObjectAllocationOutsideTLAB#enabled=true");
      threads.put("start", ThreadCpu.snapshot(h.pid()));
    }, () -> {
      threads.put("end", ThreadCpu.snapshot(h.pid()));
      Jcmd.run(h.pid(), "JFR.dump", "name=bench", "filename=" + jfr);
      Jcmd.run(h.pid(), "JFR.stop", "name=bench");
    }, ctx.mode.profileSeconds());
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("seconds", ctx.mode.profileSeconds());
    out.put("s1", Map.of("deliveriesPerSecond", s1.get("deliveriesPerSecond"),
        "cpuMicrosPerDelivery", s1.get("cpuMicrosPerDelivery")));
    out.put("cpuByThreadFromProc", threadTable(ThreadCpu.between(threads.get("start"), threads.get("end")),
        Metric.num(s1, "deliveries")));
    out.putAll(JfrSummary.summarize(jfr, 15));
    double deliveries = Metric.num(s1, "deliveries");
    out.put("allocatedKBPerDelivery", Snapshot.round(Metric.num(out, "allocationMB") * 1024 / deliveries, 1));
    return out;
  }

  static List<Map<String, Object>> threadTable(Map<String, Long> micros, double deliveries) {
    long total = micros.values().stream().mapToLong(Long::longValue).sum();
    List<Map.Entry<String, Long>> rows = new ArrayList<>(micros.entrySet());
    rows.sort(Map.Entry.<String, Long>comparingByValue().reversed());
    List<Map<String, Object>> out = new ArrayList<>();
    for (Map.Entry<String, Long> e : rows.subList(0, Math.min(12, rows.size()))) {
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("name", e.getKey());
      r.put("value", Snapshot.round(e.getValue() / deliveries, 1));
      r.put("percent", Snapshot.round(100.0 * e.getValue() / total, 1));
      out.add(r);
    }
    return out;
  }
}
