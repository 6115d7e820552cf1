package io.herald.bench.profile;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Aggregates a JFR recording of Herald (the same data {@code jfr print --events jdk.ExecutionSample} and
 * {@code jdk.ObjectAllocationSample} show, counted instead of printed):
 *
 * <ul>
 *   <li>CPU samples by <i>component</i>: the first frame from the top of the stack that is not JDK code, mapped to
 *       its library, so a HashMap.get inside Jackson counts as Jackson;
 *   <li>by the innermost Herald method on the stack (what Herald code the time is spent under);
 *   <li>by top frame (self time), and by thread;
 *   <li>allocation by class, component and innermost Herald method, weighted by the TLAB each allocation opened
 *       (or its size, outside a TLAB): {@code jdk.ObjectAllocationInNewTLAB} and {@code ...OutsideTLAB}, whose sums
 *       approximate every byte allocated; native-method samples (threads in JNI, such as SQLite's step with its
 *       fsync); GC and CPU load.
 * </ul>
 */
public final class JfrSummary {
  private static final String[][] COMPONENTS = {
      {"org.sqlite.", "SQLite JDBC (JNI)"},
      {"org.jdbi.", "Jdbi"},
      {"com.zaxxer.hikari.", "HikariCP"},
      {"org.flywaydb.", "Flyway"},
      {"org.postgresql.", "pgjdbc"},
      {"org.eclipse.jetty.client.", "Jetty client"},
      {"org.eclipse.jetty.server.", "Jetty server"},
      {"org.eclipse.jetty.ee", "Jetty servlet"},
      {"jakarta.servlet.", "Jetty servlet"},
      {"io.javalin.", "Javalin"},
      {"org.eclipse.jetty.", "Jetty I/O, HTTP, util"},
      {"com.fasterxml.jackson.", "Jackson"},
      {"kotlin.", "Kotlin stdlib (Javalin)"},
      {"ch.qos.logback.", "logging"},
      {"org.slf4j.", "logging"},
      {"io.herald.signature.", "Herald signature"},
      {"io.herald.", "Herald"},
  };

  private JfrSummary() {}

  public static Map<String, Object> summarize(Path recording, int top) throws IOException {
    Map<String, Long> component = new HashMap<>();
    Map<String, Long> heraldFrame = new HashMap<>();
    Map<String, Long> selfFrame = new HashMap<>();
    Map<String, Long> thread = new HashMap<>();
    Map<String, Long> nativeTop = new HashMap<>();
    Map<String, Long> allocClass = new HashMap<>();
    Map<String, Long> allocHerald = new HashMap<>();
    Map<String, Long> allocComponent = new HashMap<>();
    long cpuSamples = 0;
    long nativeSamples = 0;
    long allocWeight = 0;
    long gcCount = 0;
    double gcPauseMs = 0;
    double jvmCpu = 0;
    double machineCpu = 0;
    long cpuLoadEvents = 0;
    long maxHeapUsed = 0;
    try (RecordingFile file = new RecordingFile(recording)) {
      while (file.hasMoreEvents()) {
        RecordedEvent e = file.readEvent();
        switch (e.getEventType().getName()) {
          case "jdk.ExecutionSample" -> {
            cpuSamples++;
            RecordedStackTrace st = e.getStackTrace();
            add(component, component(st));
            add(heraldFrame, innermostHerald(st));
            add(selfFrame, frameName(st, 0));
            add(thread, threadName(e.getThread("sampledThread")));
          }
          case "jdk.NativeMethodSample" -> {
            nativeSamples++;
            add(nativeTop, frameName(e.getStackTrace(), 0) + "  <-  " + innermostHerald(e.getStackTrace()));
          }
          case "jdk.ObjectAllocationInNewTLAB", "jdk.ObjectAllocationOutsideTLAB" -> {
            long w = e.getEventType().getName().endsWith("InNewTLAB") ? e.getLong("tlabSize")
                : e.getLong("allocationSize");
            allocWeight += w;
            add(allocClass, e.getClass("objectClass").getName(), w);
            add(allocHerald, innermostHerald(e.getStackTrace()), w);
            add(allocComponent, component(e.getStackTrace()), w);
          }
          case "jdk.GarbageCollection" -> {
            gcCount++;
            gcPauseMs += e.getDuration("sumOfPauses").toNanos() / 1e6;
          }
          case "jdk.CPULoad" -> {
            cpuLoadEvents++;
            jvmCpu += e.getFloat("jvmUser") + e.getFloat("jvmSystem");
            machineCpu += e.getFloat("machineTotal");
          }
          case "jdk.GCHeapSummary" -> maxHeapUsed = Math.max(maxHeapUsed, e.getLong("heapUsed"));
          default -> {
            // not summarized
          }
        }
      }
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("recording", recording.toString());
    out.put("cpuSamples", cpuSamples);
    out.put("cpuByComponent", topN(component, cpuSamples, top));
    out.put("cpuByHeraldMethod", topN(heraldFrame, cpuSamples, top));
    out.put("cpuByTopFrame", topN(selfFrame, cpuSamples, top));
    out.put("cpuByThread", topN(thread, cpuSamples, top));
    out.put("nativeSamples", nativeSamples);
    out.put("nativeByTopFrame", topN(nativeTop, nativeSamples, 8));
    out.put("allocationMB", Math.round(allocWeight / 1048576.0));
    out.put("allocationByClass", topN(allocClass, allocWeight, top));
    out.put("allocationByComponent", topN(allocComponent, allocWeight, top));
    out.put("allocationByHeraldMethod", topN(allocHerald, allocWeight, top));
    out.put("gcCount", gcCount);
    out.put("gcPauseMsTotal", Math.round(gcPauseMs * 10) / 10.0);
    out.put("jvmCpuLoadAvg", cpuLoadEvents == 0 ? 0 : Math.round(jvmCpu / cpuLoadEvents * 1000) / 1000.0);
    out.put("machineCpuLoadAvg", cpuLoadEvents == 0 ? 0 : Math.round(machineCpu / cpuLoadEvents * 1000) / 1000.0);
    out.put("maxHeapUsedMB", Math.round(maxHeapUsed / 1048576.0));
    return out;
  }

  static String component(RecordedStackTrace st) {
    if (st == null) {
      return "(no stack)";
    }
    String firstJdk = null;
    for (RecordedFrame f : st.getFrames()) {
      if (!f.isJavaFrame()) {
        continue;
      }
      String cls = f.getMethod().getType().getName();
      for (String[] c : COMPONENTS) {
        if (cls.startsWith(c[0])) {
          return c[1];
        }
      }
      if (firstJdk == null) {
        firstJdk = cls;
      }
    }
    return firstJdk == null ? "(no Java frame)" : "JDK only: " + jdkArea(firstJdk);
  }

  private static String jdkArea(String cls) {
    if (cls.startsWith("sun.nio") || cls.startsWith("java.nio") || cls.startsWith("sun.net")) {
      return "NIO";
    }
    if (cls.startsWith("java.util.concurrent") || cls.startsWith("jdk.internal.misc") || cls.contains("VirtualThread")
        || cls.startsWith("java.lang.Thread")) {
      return "threads and scheduling";
    }
    if (cls.startsWith("javax.crypto") || cls.startsWith("com.sun.crypto") || cls.startsWith("sun.security")) {
      return "crypto";
    }
    return cls.substring(0, Math.max(0, cls.lastIndexOf('.')));
  }

  static String innermostHerald(RecordedStackTrace st) {
    if (st == null) {
      return "(no stack)";
    }
    for (RecordedFrame f : st.getFrames()) {
      if (f.isJavaFrame() && f.getMethod().getType().getName().startsWith("io.herald.")) {
        return shortName(f);
      }
    }
    return "(no Herald frame: library threads)";
  }

  static String frameName(RecordedStackTrace st, int index) {
    if (st == null || st.getFrames().size() <= index) {
      return "(no stack)";
    }
    return shortName(st.getFrames().get(index));
  }

  private static String shortName(RecordedFrame f) {
    String cls = f.getMethod().getType().getName();
    return cls + "." + f.getMethod().getName();
  }

  private static String threadName(RecordedThread t) {
    if (t == null) {
      return "(unknown)";
    }
    String name = t.getJavaName();
    if (name == null || name.isEmpty()) {
      return t.isVirtual() ? "(virtual thread)" : "(unnamed)";
    }
    return name.replaceAll("\\d+", "#");
  }

  private static void add(Map<String, Long> m, String key) {
    add(m, key, 1);
  }

  private static void add(Map<String, Long> m, String key, long n) {
    m.merge(key, n, Long::sum);
  }

  private static List<Map<String, Object>> topN(Map<String, Long> counts, long total, int n) {
    List<Map.Entry<String, Long>> entries = new ArrayList<>(counts.entrySet());
    entries.sort(Map.Entry.<String, Long>comparingByValue().reversed());
    List<Map<String, Object>> out = new ArrayList<>();
    for (Map.Entry<String, Long> e : entries.subList(0, Math.min(n, entries.size()))) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("name", e.getKey());
      row.put("value", e.getValue());
      row.put("percent", total == 0 ? 0 : Math.round(e.getValue() * 1000.0 / total) / 10.0);
      out.add(row);
    }
    return out;
  }
}
