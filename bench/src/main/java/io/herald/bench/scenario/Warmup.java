package io.herald.bench.scenario;

import io.herald.bench.load.Load;
import io.herald.bench.load.Routing;
import io.herald.bench.proc.HeraldProcess;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Warms a fresh JVM up before anything is measured on it: saturates it (its own application {@code warm}, one
 * endpoint) until the delivery rate of the last five seconds is within 10% of the five before, or the mode's
 * maximum passed, then lets it drain. On this 2-core machine a cold Herald delivers several times slower in its
 * first tens of seconds than once the JIT compilers are done; measuring that would measure the JIT.
 */
public final class Warmup {
  private Warmup() {}

  /** Creates the {@code warm} application through the first target and warms every target. */
  public static Map<String, Object> run(Context ctx, List<Load.Target> targets, boolean createApp) throws IOException {
    ctx.sink.reset(1, false);
    if (createApp) {
      ctx.setupFanOut(targets.get(0).port(), "warm", 1);
    }
    try (Monitor monitor = new Monitor(ctx.sink.port(), 3600)) {
      Load load = monitor.load(targets, Routing.fanOut("warm", 1));
      Map<String, Object> m = untilStable(ctx, load, monitor, targets.size());
      m.put("delivery", DeliveryCheck.await(ctx.sink, load, Set.of(), 120).toMap());
      return m;
    }
  }

  public static Map<String, Object> run(Context ctx, HeraldProcess h) throws IOException {
    return run(ctx, List.of(new Load.Target(h.port(), HeraldProcess.AUTH_HEADERS)), true);
  }

  static Map<String, Object> untilStable(Context ctx, Load load, Monitor monitor, int processes) {
    Mode mode = ctx.mode;
    Load.Phase phase = load.start(Load.Spec.closed(mode.saturationConnections(), processes * mode.backlogCap(),
        mode.warmMaxSeconds() + 5));
    List<Long> perSecond = new ArrayList<>();
    long start = System.nanoTime();
    long last = monitor.unique();
    double rate = 0;
    boolean stable = false;
    try {
      while ((System.nanoTime() - start) / 1e9 < mode.warmMaxSeconds()) {
        Context.sleep(1);
        long now = monitor.unique();
        perSecond.add(now - last);
        last = now;
        int n = perSecond.size();
        if (n >= 10 && n >= mode.warmMinSeconds()) {
          double recent = perSecond.subList(n - 5, n).stream().mapToLong(Long::longValue).sum() / 5.0;
          double before = perSecond.subList(n - 10, n - 5).stream().mapToLong(Long::longValue).sum() / 5.0;
          rate = recent;
          if (before > 0 && Math.abs(recent - before) / before <= 0.10) {
            stable = true;
            break;
          }
        }
      }
    } finally {
      phase.stop();
      phase.await();
    }
    Measure.settle(ctx, load, monitor, 60);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("seconds", Snapshot.round((System.nanoTime() - start) / 1e9, 1));
    m.put("stable", stable);
    m.put("finalRate", Snapshot.round(rate, 1));
    m.put("perSecond", perSecond);
    Context.log("  warm-up: " + perSecond.size() + " s, " + (stable ? "stable" : "NOT stable") + " at "
        + Math.round(rate) + " deliveries/s " + perSecond);
    return m;
  }
}
