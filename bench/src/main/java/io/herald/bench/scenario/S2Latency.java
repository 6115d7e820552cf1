package io.herald.bench.scenario;

import io.herald.bench.load.Load;
import io.herald.bench.load.Routing;
import io.herald.bench.pg.Postgres;
import io.herald.bench.proc.HeraldProcess;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * S2: ingest-to-delivered latency in open loop (each message stamped with the instant it was due, so a stall counts
 * against every message it delays), at 1,000 events/s and at half of S1's sustained rate.
 */
public final class S2Latency {
  private S2Latency() {}

  public static Map<String, Object> run(Context ctx, HeraldProcess h, Store store, double s1Rate) throws IOException {
    ctx.sink.reset(1, false);
    ctx.setupFanOut(h.port(), "s2", 1);
    Map<String, Object> out = new LinkedHashMap<>();
    try (Monitor monitor = new Monitor(ctx.sink.port(), 3600)) {
      String database = store == Store.POSTGRES ? Postgres.databaseOf(h.databaseUrl()) : null;
      Load load = monitor.load(List.of(new Load.Target(h.port(), HeraldProcess.AUTH_HEADERS)), Routing.fanOut("s2", 1));
      var cpu = Measure.cpu(ctx, Map.of("herald", h.pid()), store == Store.POSTGRES);
      long syscalls = store == Store.EMBEDDED ? h.pid() : 0; // PostgreSQL's commits come from its statistics
      out.put("rate1000", Measure.openLoop(ctx, load, 1000, cpu, database, ctx.mode.s2Seconds(), Set.of(),
          syscalls));
      Measure.settle(ctx, load, monitor, 30);
      out.put("rateHalfS1", Measure.withThreadCores(h.pid(),
          () -> Measure.openLoop(ctx, load, s1Rate / 2, cpu, database, ctx.mode.s2Seconds(), Set.of(), syscalls)));
      out.put("delivery", DeliveryCheck.await(ctx.sink, load, Set.of(), 120).toMap());
      return out;
    }
  }
}
