package io.herald.bench.scenario;

import io.herald.bench.load.Load;
import io.herald.bench.load.Routing;
import io.herald.bench.proc.HeraldApi;
import io.herald.bench.proc.HeraldProcess;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * S5: ten applications with one endpoint each, messages spread evenly, at half of S1's rate; endpoint 9 either
 * answers 503 to everything ({@code fail}, retried on Herald's default schedule) or answers after two seconds
 * ({@code slow}). The number that matters is the healthy nine's p99, compared with S2's at the same total rate,
 * measured after the same load has run until the JIT compilers are done with it.
 *
 * <p>Afterwards the next scenario must find a quiet Herald: the failing endpoint is deleted (its pending retries,
 * due minutes later on the default schedule, end without an attempt) and the slow one becomes fast and its backlog
 * is waited for.
 */
public final class S5Isolation {
  static final int APPS = 10;
  static final int BAD = 9;

  private S5Isolation() {}

  public static Map<String, Object> run(Context ctx, HeraldProcess h, String variant, double rate) throws IOException {
    ctx.sink.reset(APPS, false);
    String prefix = "s5" + variant;
    ctx.setupRoundRobin(h.port(), prefix, APPS);
    if (variant.equals("fail")) {
      ctx.sink.behave(BAD, 503, 0);
    } else {
      ctx.sink.behave(BAD, 200, 2000);
    }
    try (Monitor monitor = new Monitor(ctx.sink.port(), 3600)) {
      Load load = monitor.load(List.of(new Load.Target(h.port(), HeraldProcess.AUTH_HEADERS)),
          Routing.roundRobin(prefix, APPS));
      var cpu = Measure.cpu(ctx, Map.of("herald", h.pid()), false);
      // The same load first, unmeasured, until the JIT compilers are done with it: measured cold, the compilers took
      // 0.2-0.6 of a core during the window (0.15 still after 20 s of a failing endpoint), and the healthy tenants'
      // commits waited for them.
      Map<String, Object> warmUp = JitWarmUp.run(ctx, "S5", h.pid(),
          () -> Measure.openLoop(ctx, load, rate, cpu, null, JitWarmUp.STEP_SECONDS, Set.of(BAD), 0));
      Map<String, Object> m = Measure.withThreadCores(h.pid(),
          () -> Measure.openLoop(ctx, load, rate, cpu, null, ctx.mode.s5Seconds(), Set.of(BAD), h.pid()));
      m.put("warmUp", warmUp);
      m.put("variant", variant);
      m.put("badEndpointLatencyMs", Measure.latency(ctx.sink.latency("", BAD)));
      m.put("delivery", DeliveryCheck.await(ctx.sink, load, Set.of(BAD), 120).toMap());
      if (variant.equals("fail")) {
        try (HeraldApi api = new HeraldApi(h.port())) {
          api.deleteEndpoint(prefix + "-" + BAD, "ep-0");
        }
      } else {
        ctx.sink.behave(BAD, 200, 0);
        long t0 = System.nanoTime();
        DeliveryCheck bad = DeliveryCheck.await(ctx.sink, load, Set.of(), 120);
        m.put("badEndpointCaughtUp", bad.lost() == 0);
        m.put("badEndpointCatchUpSeconds", Snapshot.round((System.nanoTime() - t0) / 1e9, 1));
      }
      return m;
    }
  }
}
