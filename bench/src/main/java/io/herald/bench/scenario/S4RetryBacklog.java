package io.herald.bench.scenario;

import io.herald.bench.load.Load;
import io.herald.bench.load.Routing;
import io.herald.bench.proc.HeraldApi;
import io.herald.bench.proc.HeraldProcess;
import io.herald.bench.proc.Jcmd;
import io.herald.bench.proc.ThreadCpu;
import io.herald.bench.profile.JfrSummary;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * S4: a backlog built while the receiver is down, then drained when it recovers.
 *
 * <p>Herald runs with HERALD_RETRY_SCHEDULE empty (one attempt), so every message's only attempt meets a 503 and the
 * delivery ends as failed. When the sink is healthy again, Svix's {@code recover} call makes all of them due at once;
 * the drain rate is how fast the poller's claim-send-record path empties that queue, with no ingest competing. With
 * a retry schedule instead, the drain would follow the schedule's timing rather than Herald's speed.
 *
 * <p>The rate is also measured in two windows of a tenth of the backlog each: the first from the moment the recover
 * call has returned (the whole backlog due; N less what went out during the call), the second from 0.15 N to 0.05 N
 * (around a tenth of it), to show whether a large backlog slows the claim queries. Deliveries come in claim
 * batches of up to 500, so small backlogs (the smoke mode's) give coarse windows. A small cycle of the same kind runs
 * first, so that the claim path (which the ingest warm-up does not exercise) is compiled before the measured one.
 * The measured drain is recorded with JFR (started and dumped around it with jcmd) and CPU per thread from /proc,
 * reported under {@code drainProfile}.
 */
public final class S4RetryBacklog {
  private S4RetryBacklog() {}

  public static Map<String, Object> run(Context ctx, int messages) throws IOException {
    Map<String, Object> m = new LinkedHashMap<>();
    try (HeraldProcess h = ctx.herald("s4-" + messages, Store.EMBEDDED, Map.of("HERALD_RETRY_SCHEDULE", ""),
        List.of(), null)) {
      m.put("warmup", Warmup.run(ctx, h));
      ctx.setupFanOut(h.port(), "s4", 1);
      Map<String, Object> drainWarmup = new LinkedHashMap<>();
      cycle(ctx, h, Math.min(10_000, Math.max(2_000, messages / 10)), drainWarmup, null);
      m.put("drainWarmup", Map.of("messages", drainWarmup.get("messages"), "drainPerSecond",
          drainWarmup.get("drainPerSecond"), "delivery", drainWarmup.get("delivery")));
      cycle(ctx, h, messages, m, ctx.runDir.resolve("herald-s4-" + messages + ".jfr"));
      Context.requireAlive(h, "Herald");
      return m;
    } finally {
      ctx.cleanData();
    }
  }

  /** One outage: {@code messages} accepted while the sink answers 503, then recovered and drained. */
  private static void cycle(Context ctx, HeraldProcess h, int messages, Map<String, Object> m, Path jfr)
      throws IOException {
    ctx.sink.reset(1, false);
    ctx.sink.behave(-1, 503, 0);
    Instant since = Instant.now().minusSeconds(1);
    try (Monitor monitor = new Monitor(ctx.sink.port(), 4 * 3600)) {
      runWith(ctx, h, messages, since, monitor, m, jfr);
    }
  }

  private static void runWith(Context ctx, HeraldProcess h, int messages, Instant since, Monitor monitor,
      Map<String, Object> m, Path jfr) throws IOException {
    Load load = monitor.load(List.of(new Load.Target(h.port(), HeraldProcess.AUTH_HEADERS)), Routing.fanOut("s4", 1));
    long t0 = System.nanoTime();
    double limit = Math.max(120, messages / 200.0);
    Load.Phase phase = load.start(Load.Spec.closed(ctx.mode.saturationConnections(), Long.MAX_VALUE, limit));
    while (load.acceptedMessages() < messages && System.nanoTime() - t0 < limit * 1e9) {
      Context.sleep(0.05);
    }
    phase.stop();
    phase.await();
    long accepted = load.acceptedMessages();
    double accumulate = (System.nanoTime() - t0) / 1e9;
    m.put("messages", accepted);
    m.put("accumulateSeconds", Snapshot.round(accumulate, 2));
    m.put("acceptedPerSecondWhileFailing", Snapshot.round(accepted / accumulate, 1));
    long t1 = System.nanoTime();
    while (monitor.rejected() < accepted && System.nanoTime() - t1 < limit * 1e9) {
      Context.sleep(0.1);
    }
    m.put("firstAttemptsSeconds", Snapshot.round((System.nanoTime() - t0) / 1e9, 2));
    Context.sleep(2); // the last outcomes are being committed
    ctx.sink.behave(-1, 200, 0);
    var cpu = Measure.cpu(ctx, Map.of("herald", h.pid()), false);
    Snapshot before = Snapshot.take(ctx.sink, cpu, null, null, load);
    Map<String, Long> threadsBefore = null;
    if (jfr != null) {
      Jcmd.run(h.pid(), "JFR.start", "name=drain", "settings=profile");
      threadsBefore = ThreadCpu.snapshot(h.pid());
    }
    long recoverAt = System.nanoTime();
    try (HeraldApi api = new HeraldApi(h.port())) {
      api.recover("s4", "ep-0", since);
      long recovered = System.nanoTime();
      m.put("recoverCallSeconds", Snapshot.round((recovered - recoverAt) / 1e9, 3));
      DeliveryCheck check = DeliveryCheck.await(ctx.sink, load, Set.of(), Math.max(120, messages / 300.0));
      if (check.lost() > 0) {
        // Outcomes still uncommitted at the first recover; a second one is not a loss, but it is reported.
        m.put("secondRecoverNeededFor", check.lost());
        api.recover("s4", "ep-0", since);
        check = DeliveryCheck.await(ctx.sink, load, Set.of(), 120);
      }
      Snapshot after = Snapshot.take(ctx.sink, cpu, null, null, load);
      if (jfr != null) {
        Map<String, Long> threads = ThreadCpu.between(threadsBefore, ThreadCpu.snapshot(h.pid()));
        Jcmd.run(h.pid(), "JFR.dump", "name=drain", "filename=" + jfr);
        Jcmd.run(h.pid(), "JFR.stop", "name=drain");
        Map<String, Object> profile = new LinkedHashMap<>();
        List<Map<String, Object>> byThread = Profile.threadTable(threads, accepted);
        profile.put("cpuByThreadFromProc", byThread);
        Context.log("  drain CPU per delivery by thread (µs): " + byThread.stream()
            .map(r -> r.get("name") + "=" + r.get("value")).limit(6).toList());
        profile.putAll(JfrSummary.summarize(jfr, 15));
        m.put("drainProfile", profile);
      }
      long caughtUp = System.nanoTime() + 10_000_000_000L;
      while (monitor.unique() < accepted && System.nanoTime() < caughtUp) {
        Context.sleep(0.01); // the monitor polls on its own thread and may trail the check by a few polls
      }
      long done = monitor.timeReached(accepted);
      long first = monitor.timeReached(1);
      if (done < 0 || first < 0) {
        throw new IllegalStateException("the sink's delivery count never reached " + accepted + " in the monitor");
      }
      double drain = (done - recoverAt) / 1e9;
      m.put("drainSeconds", Snapshot.round(drain, 2));
      m.put("drainPerSecond", Snapshot.round(accepted / drain, 1));
      m.put("drainPerSecondAfterFirstDelivery", Snapshot.round(accepted / ((done - first) / 1e9), 1));
      m.put("drainCpuMicrosPerDelivery", before.until(after).get("cpuMicrosPerDelivery"));
      // "At full backlog" starts when the recover call has returned, so the whole backlog is due: during the call
      // (5.7-6.7 s for 500k in the tenth session's passes, in chunks of 250) the deliveries made due so far go out
      // beside the recovery's own writes, which is the recovery's cost, not the drain's at that backlog. Both are
      // reported.
      long dueAll = countAt(monitor, recovered);
      double atFull = rate(monitor, dueAll, dueAll + accepted / 10);
      double duringRecovery = rate(monitor, 0, accepted / 10);
      double atTenth = rate(monitor, accepted - accepted * 15 / 100, accepted - accepted * 5 / 100);
      m.put("deliveredDuringRecoverCall", dueAll);
      m.put("rateAtFullBacklog", Snapshot.round(atFull, 1));
      m.put("rateAtTenthBacklog", Snapshot.round(atTenth, 1));
      m.put("fullVsTenthBacklog", Snapshot.round(atFull / atTenth, 3));
      m.put("rateInFirstTenthFromRecoverCall", Snapshot.round(duringRecovery, 1));
      m.put("firstTenthFromRecoverCallVsTenthBacklog", Snapshot.round(duringRecovery / atTenth, 3));
      m.put("drainPerSecondSeries", series(monitor, recoverAt, 1_000_000_000L, 600));
      m.put("drainFirst3sPer100ms", series(monitor, recoverAt, 100_000_000L, 30));
      m.put("delivery", check.toMap());
    }
  }

  /** Deliveries per second between the instants the sink had received {@code from} and {@code to} of them. */
  private static double rate(Monitor monitor, long from, long to) {
    long t0 = monitor.timeReached(Math.max(1, from));
    long t1 = monitor.timeReached(to);
    return t0 < 0 || t1 <= t0 ? Double.NaN : (to - Math.max(1, from)) / ((t1 - t0) / 1e9);
  }

  /** How many deliveries the sink had received at {@code nanos}, by the monitor's last poll before it. */
  private static long countAt(Monitor monitor, long nanos) {
    long count = 0;
    for (Monitor.Point p : monitor.series()) {
      if (p.nanos() > nanos) {
        break;
      }
      count = p.unique();
    }
    return count;
  }

  /** Deliveries in consecutive steps of {@code stepNanos} from {@code start}, at most {@code max} steps. */
  private static List<Long> series(Monitor monitor, long start, long stepNanos, int max) {
    List<Long> out = new java.util.ArrayList<>();
    List<Monitor.Point> points = monitor.series();
    long previous = -1;
    int i = 0;
    for (int step = 1; step <= max; step++) {
      long until = start + step * stepNanos;
      while (i < points.size() - 1 && points.get(i + 1).nanos() <= until) {
        i++;
      }
      if (points.isEmpty() || points.get(i).nanos() > until || i == points.size() - 1 && step > 1
          && points.get(i).nanos() < until - stepNanos) {
        break;
      }
      long count = points.get(i).unique();
      if (previous >= 0) {
        out.add(count - previous);
      } else {
        out.add(count - baseline(points, start));
      }
      previous = count;
    }
    return out;
  }

  private static long baseline(List<Monitor.Point> points, long start) {
    long value = 0;
    for (Monitor.Point p : points) {
      if (p.nanos() > start) {
        break;
      }
      value = p.unique();
    }
    return value;
  }
}
