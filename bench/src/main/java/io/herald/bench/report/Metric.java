package io.herald.bench.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * One number the report tracks across repetitions, read (or derived, for ratios) from a repetition's results. Ratios
 * are computed within a repetition, from numbers measured minutes apart on the same machine, before taking medians.
 */
public record Metric(String id, String group, String label, String unit, ToDoubleFunction<Map<String, Object>> read) {

  /** Every metric, in report order. */
  public static List<Metric> all() {
    List<Metric> m = new ArrayList<>();
    m.add(new Metric("raw.rate", "Baselines", "R_raw: keep-alive POSTs/s into the sink", "req/s",
        r -> num(r, "baselines", "raw", "requestsPerSecond")));
    m.add(new Metric("raw.cpu", "Baselines", "CPU per raw sink request (sink + generator)", "µs",
        r -> num(r, "baselines", "raw", "cpuMicrosPerRequest")));
    m.add(new Metric("fsync.rate", "Baselines", "fdatasync rate of the data directory", "syncs/s",
        r -> num(r, "baselines", "fsync", "syncsPerSecond")));
    for (String store : new String[] {"embedded", "postgres"}) {
      String f = store.equals("embedded") ? "floor" : "floorPg";
      String on = store.equals("embedded") ? "" : " (PostgreSQL, its processes included)";
      m.add(new Metric(f + ".cpu", "Baselines", "store floor" + on + ": Herald's statements alone, 10 deliveries "
          + "per commit, CPU per delivery", "µs", r -> num(r, "baselines", floorKey(store), "cpuMicrosPerDelivery")));
      m.add(new Metric(f + ".rate", "Baselines", "store floor" + on + ": deliveries/s on one thread", "/s",
          r -> num(r, "baselines", floorKey(store), "deliveriesPerSecond")));
      m.add(new Metric(f + ".ratio", "Baselines", "floor of a delivery" + on + " (store floor + 2 raw requests) / "
          + "raw request", "x", r -> floor(r, store) / num(r, "baselines", "raw", "cpuMicrosPerRequest")));
      m.add(new Metric(f + ".e2eRatio", "Baselines", "E2E / R_raw at the floor" + on + " (every core busy with "
          + "floor work only)", "x", r -> num(r, "baselines", floorKey(store), "cores") * 1e6 / floor(r, store)
              / num(r, "baselines", "raw", "requestsPerSecond")));
    }
    m.add(new Metric("pg.commits1", "Baselines", "PostgreSQL durable commits/s, 1 connection", "commits/s",
        r -> num(r, "baselines", "pgCommits", "oneConnectionCommitsPerSecond")));
    m.add(new Metric("pg.commits16", "Baselines", "PostgreSQL durable commits/s, 16 connections", "commits/s",
        r -> num(r, "baselines", "pgCommits", "sixteenConnectionsCommitsPerSecond")));
    for (String store : new String[] {"embedded", "postgres"}) {
      String s = store.equals("embedded") ? "e" : "p";
      String g = "S1 saturation (" + store + ")";
      m.add(new Metric("s1" + s + ".rate", g, "sustained deliveries/s", "/s",
          r -> num(r, "S1", store, "deliveriesPerSecond")));
      m.add(new Metric("s1" + s + ".ratio", g, "E2E / R_raw", "x", r -> num(r, "S1", store, "deliveriesPerSecond")
          / num(r, "baselines", "raw", "requestsPerSecond")));
      m.add(new Metric("s1" + s + ".cpu", g, "CPU per delivery, all processes", "µs",
          r -> num(r, "S1", store, "cpuMicrosPerDelivery", "all")));
      m.add(new Metric("s1" + s + ".cpuHerald", g, "CPU per delivery, Herald process", "µs",
          r -> num(r, "S1", store, "cpuMicrosPerDelivery", "herald")));
      m.add(new Metric("s1" + s + ".cores", g, "cores busy during the window (every measured process; the machine has "
          + Runtime.getRuntime().availableProcessors() + ")", "", r -> num(r, "S1", store, "cpuCoresUsed")));
      m.add(new Metric("s1" + s + ".cpuRatio", g, "CPU per delivery / CPU per raw request", "x",
          r -> num(r, "S1", store, "cpuMicrosPerDelivery", "all") / num(r, "baselines", "raw", "cpuMicrosPerRequest")));
      m.add(new Metric("s1" + s + ".aboveFloor", g, "CPU per delivery / floor of a delivery (store floor + 2 raw "
          + "requests)", "x", r -> num(r, "S1", store, "cpuMicrosPerDelivery", "all") / floor(r, store)));
      if (store.equals("embedded")) {
        m.add(new Metric("s1e.commits", g, "commits per delivery (fsyncs per delivery x the WAL's share of them; "
            + "without the strace pass, every fsync: an upper bound)", "", r -> {
              double share = walShare(r);
              double all = num(r, "S1", "embedded", "fsyncsPerDelivery");
              return Double.isNaN(share) ? all : all * share;
            }));
        m.add(new Metric("s1e.walShare", g, "share of fsyncs that sync the WAL (one per commit; strace pass)", "",
            Metric::walShare));
        m.add(new Metric("s1e.fsyncs", g, "fsync + fdatasync calls per delivery (perf)", "",
            r -> num(r, "S1", "embedded", "fsyncsPerDelivery")));
        m.add(new Metric("s1e.pwrites", g, "pwrite64 calls per delivery (perf)", "",
            r -> num(r, "S1", "embedded", "pwritesPerDelivery")));
      } else {
        m.add(new Metric("s1p.cpuPg", g, "CPU per delivery, PostgreSQL", "µs",
            r -> num(r, "S1", store, "cpuMicrosPerDelivery", "postgres")));
        m.add(new Metric("s1p.commits", g, "commits (xact_commit) per delivery", "",
            r -> num(r, "S1", store, "pgCommitsPerDelivery")));
        m.add(new Metric("s1p.fsyncs", g, "WAL syncs (pg_stat_wal.wal_sync) per delivery", "",
            r -> num(r, "S1", store, "pgWalSyncsPerDelivery")));
      }
      m.add(new Metric("s1" + s + ".warmup", g, "warm-up of the fresh Herald until its rate was stable", "s",
          r -> num(r, "S1", store + "Warmup", "seconds")));
      m.add(new Metric("s1" + s + ".ingestP99", g, "ingest p99 (send to 202)", "ms",
          r -> num(r, "S1", store, "ingestLatencyMs", "p99")));
      m.add(new Metric("s1" + s + ".e2eP50", g, "ingest-to-delivered p50 at saturation", "ms",
          r -> num(r, "S1", store, "e2eLatencyMs", "p50")));
      m.add(new Metric("s1" + s + ".idleRss", g, "Herald RSS, idle", "MB",
          r -> num(r, "S1", store, "idleMemory", "rssMB")));
      m.add(new Metric("s1" + s + ".idleHeap", g, "Herald heap used, idle", "MB",
          r -> num(r, "S1", store, "idleMemory", "heapUsedMB")));
      m.add(new Metric("s1" + s + ".peakRss", g, "Herald RSS, S1 peak", "MB", r -> num(r, "S1", store, "peakRssMB")));
      m.add(new Metric("s1" + s + ".peakHeap", g, "Herald heap used / committed at S1 end", "MB",
          r -> num(r, "S1", store, "heapUsedMB")));
      m.add(new Metric("s1" + s + ".peakHeapCommitted", g, "Herald heap committed at S1 end", "MB",
          r -> num(r, "S1", store, "heapCommittedMB")));
      String g2 = "S2 latency, open loop (" + store + ")";
      for (String rate : new String[] {"rate1000", "rateHalfS1"}) {
        String at = rate.equals("rate1000") ? "1,000/s" : "50% of S1";
        String k = "s2" + s + (rate.equals("rate1000") ? ".k" : ".half");
        if (rate.equals("rateHalfS1")) {
          m.add(new Metric(k + ".rate", g2, "rate at 50% of S1", "/s", r -> num(r, "S2", store, rate, "targetRate")));
        }
        m.add(new Metric(k + ".p50", g2, "p50 at " + at, "ms", r -> num(r, "S2", store, rate, "e2eLatencyMs", "p50")));
        m.add(new Metric(k + ".p99", g2, "p99 at " + at, "ms", r -> num(r, "S2", store, rate, "e2eLatencyMs", "p99")));
        m.add(new Metric(k + ".p999", g2, "p99.9 at " + at, "ms",
            r -> num(r, "S2", store, rate, "e2eLatencyMs", "p999")));
        m.add(new Metric(k + ".ingestP99", g2, "ingest p99 at " + at, "ms",
            r -> num(r, "S2", store, rate, "ingestLatencyMs", "p99")));
        m.add(new Metric(k + ".cores", g2, "machine CPU busy at " + at + " (all processes)", "cores of 2",
            r -> num(r, "S2", store, rate, "cpuCoresUsed")));
        m.add(new Metric(k + ".late", g2, "sends the load generator made late at " + at, "",
            r -> num(r, "S2", store, rate, "lateSends")));
        m.add(new Metric(k + ".diskMax", g2, "longest disk sync (canary) at " + at, "ms",
            r -> num(r, "S2", store, rate, "diskSync", "maxMs")));
        if (store.equals("embedded")) {
          m.add(new Metric(k + ".fsyncs", g2, "Herald's fsync + fdatasync calls per delivery at " + at + " (perf)", "",
              r -> num(r, "S2", store, rate, "fsyncsPerDelivery")));
        }
      }
    }
    for (int fan : new int[] {10, 100}) {
      String k = "fanOut" + fan;
      String g = "S3 fan-out (embedded)";
      m.add(new Metric("s3." + fan + ".rate", g, "1 to " + fan + ": deliveries/s", "/s",
          r -> num(r, "S3", k, "deliveriesPerSecond")));
      m.add(new Metric("s3." + fan + ".vsS1", g, "1 to " + fan + ": deliveries/s vs S1", "x",
          r -> num(r, "S3", k, "deliveriesPerSecond") / num(r, "S1", "embedded", "deliveriesPerSecond")));
      m.add(new Metric("s3." + fan + ".ingestVsS1", g, "1 to " + fan + ": ingest p99 vs S1", "x",
          r -> num(r, "S3", k, "ingestLatencyMs", "p99") / num(r, "S1", "embedded", "ingestLatencyMs", "p99")));
    }
    String g4 = "S4 retry backlog (embedded)";
    m.add(new Metric("s4.messages", g4, "backlog (messages accepted while the sink answered 503)", "",
        r -> num(r, "S4", "messages")));
    m.add(new Metric("s4.drain", g4, "drain rate", "/s", r -> num(r, "S4", "drainPerSecond")));
    m.add(new Metric("s4.vsS1", g4, "drain rate vs S1", "x",
        r -> num(r, "S4", "drainPerSecond") / num(r, "S1", "embedded", "deliveriesPerSecond")));
    m.add(new Metric("s4.scale", g4, "rate at full backlog vs at about a tenth of it", "x",
        r -> num(r, "S4", "fullVsTenthBacklog")));
    m.add(new Metric("s4.scale500k", g4, "rate at 500k backlog vs at 50k", "x",
        r -> num(r, "S4scale", "fullVsTenthBacklog")));
    for (String v : new String[] {"fail", "slow"}) {
      String g = "S5 isolation (embedded)";
      String what = v.equals("fail") ? "one endpoint answers 503" : "one endpoint answers in 2 s";
      m.add(new Metric("s5." + v + ".p99", g, what + ": healthy p99", "ms",
          r -> num(r, "S5", v, "e2eLatencyMs", "p99")));
      m.add(new Metric("s5." + v + ".vsS2", g, what + ": healthy p99 vs S2", "x",
          r -> num(r, "S5", v, "e2eLatencyMs", "p99") / num(r, "S2", "embedded", "rateHalfS1", "e2eLatencyMs", "p99")));
      // The healthy tenants' tail is their commit wait, which grows when the machine runs out of cores (S5 at "half
      // of S1" keeps more of the machine busy than S2 at the same rate): shown next to S2's at 50% of S1.
      m.add(new Metric("s5." + v + ".cores", g, what + ": machine CPU busy (all processes)", "cores of 2",
          r -> num(r, "S5", v, "cpuCoresUsed")));
      m.add(new Metric("s5." + v + ".late", g, what + ": sends the load generator made late", "",
          r -> num(r, "S5", v, "lateSends")));
      m.add(new Metric("s5." + v + ".diskMax", g, what + ": longest disk sync (canary)", "ms",
          r -> num(r, "S5", v, "diskSync", "maxMs")));
      m.add(new Metric("s5." + v + ".fsyncs", g, what + ": Herald's fsync + fdatasync calls per delivery (perf)", "",
          r -> num(r, "S5", v, "fsyncsPerDelivery")));
    }
    String g6 = "S6 two processes (postgres)";
    m.add(new Metric("s6.rate", g6, "two processes: deliveries/s", "/s",
        r -> num(r, "S6", "saturation", "deliveriesPerSecond")));
    m.add(new Metric("s6.vsOne", g6, "two processes vs one (S1 postgres)", "x",
        r -> num(r, "S6", "saturation", "deliveriesPerSecond") / num(r, "S1", "postgres", "deliveriesPerSecond")));
    m.add(new Metric("s6.cores", g6, "two processes: cores busy (Herald x2, PostgreSQL, sink, generator)", "",
        r -> num(r, "S6", "saturation", "cpuCoresUsed")));
    m.add(new Metric("s6.lost", g6, "lost after kill -9", "", r -> num(r, "S6", "kill", "delivery", "lost")));
    m.add(new Metric("s6.dup", g6, "duplicates after kill -9", "",
        r -> num(r, "S6", "kill", "delivery", "duplicates")));
    m.add(new Metric("s6.redelivery", g6, "redelivery delay after kill -9 (lease 30 s)", "s",
        r -> num(r, "S6", "kill", "redeliveryDelaySeconds")));
    m.add(new Metric("s7.ratio", "S7 soak (postgres)", "last-minute vs first-minute throughput", "x",
        r -> num(r, "S7", "lastVsFirstThroughput")));
    m.add(new Metric("s7.p99ratio", "S7 soak (postgres)", "last-minute vs first-minute p99", "x",
        r -> num(r, "S7", "lastVsFirstP99")));
    for (String store : List.of("embedded", "postgres")) {
      String g9 = "S9 retention (" + store + ")";
      String k = "s9." + store;
      m.add(new Metric(k + ".messages", g9, "old messages in the store (3 rows each)", "",
          r -> num(r, "S9", store, "history", "messages")));
      m.add(new Metric(k + ".seconds", g9, "the pass: seconds to delete them, under load", "s",
          r -> num(r, "S9", store, "passSeconds")));
      m.add(new Metric(k + ".rate", g9, "the pass: messages deleted per second", "/s",
          r -> num(r, "S9", store, "messagesDeletedPerSecond")));
      m.add(new Metric(k + ".vsOffered", g9, "the pass's rate vs the offered rate (above 1: it keeps up)", "x",
          r -> num(r, "S9", store, "deletedVsOffered")));
      for (String w : List.of("before", "during", "after")) {
        String when = w.equals("during") ? "during the pass" : w + " the pass";
        m.add(new Metric(k + "." + w + ".p99", g9, "p99 " + when, "ms",
            r -> num(r, "S9", store, w, "e2eLatencyMs", "p99")));
        m.add(new Metric(k + "." + w + ".ingestMax", g9, "longest ingest (send to 202) " + when, "ms",
            r -> num(r, "S9", store, w, "ingestLatencyMs", "max")));
      }
      m.add(new Metric(k + ".duringVsBefore", g9, "p99 during the pass vs before it", "x",
          r -> num(r, "S9", store, "p99DuringVsBefore")));
      m.add(new Metric(k + ".catchUp", g9, "seconds after the pass until its backlog was delivered", "s",
          r -> num(r, "S9", store, "catchUpSeconds")));
    }
    String g8 = "S8 naive baseline (db-scheduler)";
    m.add(new Metric("s8.rate", g8, "naive: deliveries/s", "/s", r -> num(r, "S8", "deliveriesPerSecond")));
    m.add(new Metric("s8.cpu", g8, "naive: CPU per delivery, all processes", "µs",
        r -> num(r, "S8", "cpuMicrosPerDelivery", "all")));
    m.add(new Metric("s8.embedded", g8, "Herald S1 (embedded) / naive", "x",
        r -> num(r, "S1", "embedded", "deliveriesPerSecond") / num(r, "S8", "deliveriesPerSecond")));
    m.add(new Metric("s8.postgres", g8, "Herald S1 (postgres) / naive", "x",
        r -> num(r, "S1", "postgres", "deliveriesPerSecond") / num(r, "S8", "deliveriesPerSecond")));
    return m;
  }

  /**
   * The least CPU a delivery can cost on {@code store}: the store's own statements (the store floor) and two raw
   * requests (the producer's POST in, the webhook out), each as cheap as the sink's.
   */
  private static double floor(Map<String, Object> r, String store) {
    return num(r, "baselines", floorKey(store), "cpuMicrosPerDelivery")
        + 2 * num(r, "baselines", "raw", "cpuMicrosPerRequest");
  }

  private static String floorKey(String store) {
    return store.equals("embedded") ? "storeFloor" : "storeFloorPostgres";
  }

  private static double walShare(Map<String, Object> r) {
    return num(r, "S1", "embeddedAccounting", "walSyncs") / num(r, "S1", "embeddedAccounting", "fsyncCalls");
  }

  /** Adds {@code value} under {@code key} to the map at {@code parent.get(child)} when that is a map. */
  @SuppressWarnings("unchecked")
  public static void put(Map<String, Object> parent, Object value, String child, String key) {
    if (parent.get(child) instanceof Map<?, ?> m && !m.containsKey("error")) {
      ((Map<String, Object>) m).put(key, value);
    }
  }

  @SuppressWarnings("unchecked")
  public static double num(Map<String, Object> m, String... path) {
    Object o = m;
    for (String p : path) {
      if (!(o instanceof Map<?, ?> map) || !map.containsKey(p)) {
        return Double.NaN;
      }
      o = ((Map<String, Object>) map).get(p);
    }
    return o instanceof Number n ? n.doubleValue() : Double.NaN;
  }
}
