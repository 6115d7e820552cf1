package io.herald.bench.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Median, minimum and maximum of every metric over the repetitions that measured it. */
public final class Summary {
  /** One metric over the repetitions. */
  public record Stat(Metric metric, double median, double min, double max, List<Double> values) {
    public boolean measured() {
      return !values.isEmpty();
    }

    public Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("label", metric.group() + ": " + metric.label());
      m.put("unit", metric.unit());
      m.put("median", round(median));
      m.put("min", round(min));
      m.put("max", round(max));
      m.put("values", values.stream().map(Summary::round).toList());
      return m;
    }
  }

  private Summary() {}

  public static Map<String, Stat> of(List<Map<String, Object>> reps) {
    Map<String, Stat> out = new LinkedHashMap<>();
    for (Metric metric : Metric.all()) {
      List<Double> values = new ArrayList<>();
      for (Map<String, Object> rep : reps) {
        double v = metric.read().applyAsDouble(rep);
        if (!Double.isNaN(v) && !Double.isInfinite(v)) {
          values.add(v);
        }
      }
      List<Double> sorted = new ArrayList<>(values);
      sorted.sort(Double::compare);
      double median = Double.NaN;
      if (!sorted.isEmpty()) {
        int n = sorted.size();
        median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
      }
      out.put(metric.id(), new Stat(metric, median, sorted.isEmpty() ? Double.NaN : sorted.get(0),
          sorted.isEmpty() ? Double.NaN : sorted.get(sorted.size() - 1), values));
    }
    return out;
  }

  /** Sum of every "lost" and "duplicates" count in a result tree (every scenario reports its own). */
  @SuppressWarnings("unchecked")
  public static long sumKey(Object tree, String key) {
    long total = 0;
    if (tree instanceof Map<?, ?> map) {
      for (Map.Entry<String, Object> e : ((Map<String, Object>) map).entrySet()) {
        if (e.getKey().equals(key) && e.getValue() instanceof Number n) {
          total += n.longValue();
        } else {
          total += sumKey(e.getValue(), key);
        }
      }
    } else if (tree instanceof List<?> list) {
      for (Object o : list) {
        total += sumKey(o, key);
      }
    }
    return total;
  }

  /** Every step that failed, as "path: message" (a step's result is {"error": message}). */
  public static List<String> errors(Object tree) {
    List<String> out = new ArrayList<>();
    collectErrors(tree, "", out);
    return out;
  }

  @SuppressWarnings("unchecked")
  private static void collectErrors(Object tree, String path, List<String> out) {
    if (tree instanceof Map<?, ?> map) {
      Map<String, Object> m = (Map<String, Object>) map;
      if (m.get("error") instanceof String e) {
        out.add(path + ": " + e);
        return;
      }
      m.forEach((k, v) -> collectErrors(v, path.isEmpty() ? k : path + "." + k, out));
    } else if (tree instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        collectErrors(list.get(i), path + "[" + i + "]", out);
      }
    }
  }

  static double round(double v) {
    if (Double.isNaN(v)) {
      return v;
    }
    double a = Math.abs(v);
    double f = a >= 100 ? 1 : a >= 10 ? 10 : a >= 1 ? 100 : 10000;
    return Math.round(v * f) / f;
  }
}
