package io.herald.bench.scenario;

import io.herald.bench.load.Load;
import io.herald.bench.load.Routing;
import io.herald.bench.pg.Postgres;
import io.herald.bench.proc.HeraldProcess;
import io.herald.bench.proc.NaiveProcess;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** S8: the naive db-scheduler baseline, built and saturated in the same run exactly like Herald's S1. */
public final class S8Naive {
  private S8Naive() {}

  public static Map<String, Object> run(Context ctx) throws IOException {
    String url = ctx.newDatabase("naive");
    try (NaiveProcess naive = new NaiveProcess(url, ctx.sink.endpointUrl(0), ctx.secret,
        ctx.runDir.resolve("logs/naive.log"))) {
      Load.Target target = new Load.Target(naive.port(), HeraldProcess.AUTH_HEADERS);
      Map<String, Object> warm = Warmup.run(ctx, List.of(target), false);
      ctx.sink.reset(1, false);
      try (Monitor monitor = new Monitor(ctx.sink.port(), 3600)) {
        Load load = monitor.load(List.of(target), Routing.fanOut("s8", 1));
        Map<String, Object> m = Measure.saturate(ctx, load, Measure.cpu(ctx, Map.of("naive", naive.pid()), true),
            Observe.of(ctx.mode.backlogCap()).database(Postgres.databaseOf(url)).memory(naive.pid()),
            ctx.mode.s8Seconds());
        m.put("warmup", warm);
        m.put("design", "db-scheduler 16.7.0 one-time task per delivery on PostgreSQL, JDK HttpClient (blocking), "
            + "32 threads, lock-and-fetch polling, immediate execution");
        m.put("delivery", DeliveryCheck.await(ctx.sink, load, Set.of(), 180).toMap());
        Context.requireAlive(naive, "the naive server");
        return m;
      }
    }
  }
}
