package io.herald.bench.scenario;

import io.herald.bench.load.Load;
import io.herald.bench.load.Routing;
import io.herald.bench.proc.HeraldProcess;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * S3: one event to {@code fanOut} endpoints of one application, saturated like S1 (the backlog cap counts
 * deliveries, so ten or one hundred per message), after its own load has run until the JIT compilers are done with
 * it ({@link JitWarmUp}).
 */
public final class S3FanOut {
  private S3FanOut() {}

  public static Map<String, Object> run(Context ctx, HeraldProcess h, int fanOut) throws IOException {
    ctx.sink.reset(fanOut, false);
    String app = "s3-" + fanOut;
    ctx.setupFanOut(h.port(), app, fanOut);
    try (Monitor monitor = new Monitor(ctx.sink.port(), 3600)) {
      Load load = monitor.load(List.of(new Load.Target(h.port(), HeraldProcess.AUTH_HEADERS)),
          Routing.fanOut(app, fanOut));
      var cpu = Measure.cpu(ctx, Map.of("herald", h.pid()), false);
      Map<String, Object> warmUp = JitWarmUp.run(ctx, "S3 fan-out " + fanOut, h.pid(), () -> Measure.saturate(ctx,
          load, cpu, Observe.of(ctx.mode.backlogCap()), JitWarmUp.STEP_SECONDS));
      Map<String, Object> m = Measure.saturate(ctx, load, cpu, Observe.of(ctx.mode.backlogCap()), ctx.mode.s3Seconds());
      m.put("warmUp", warmUp);
      m.put("fanOut", fanOut);
      m.put("delivery", DeliveryCheck.await(ctx.sink, load, Set.of(), 120).toMap());
      return m;
    }
  }
}
