package io.herald.bench.scenario;

import io.herald.bench.load.Load;
import io.herald.bench.load.Routing;
import io.herald.bench.pg.Postgres;
import io.herald.bench.proc.HeraldProcess;
import io.herald.bench.proc.Jcmd;
import io.herald.bench.proc.Proc;
import io.herald.bench.report.Metric;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * S1: one event to one endpoint, as fast as Herald sustains it with a bounded backlog, on a warmed-up Herald. Also
 * where memory is taken: RSS and heap of the idle Herald right after start, and at S1's peak; and, on the embedded
 * store, fsync calls per delivery (perf, in-kernel counting, so the window is undisturbed).
 */
public final class S1Saturation {
  private S1Saturation() {}

  /** RSS and heap of a Herald that has started, has one endpoint and has done nothing for three seconds. */
  public static Map<String, Object> idleMemory(Context ctx, HeraldProcess h) throws IOException {
    ctx.setupFanOut(h.port(), "idle", 1);
    Context.sleep(3);
    Jcmd.Heap heap = Jcmd.heap(h.pid());
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("rssMB", Measure.mb(Proc.rssBytes(h.pid())));
    m.put("heapUsedMB", Measure.mb(heap.used()));
    m.put("heapCommittedMB", Measure.mb(heap.committed()));
    return m;
  }

  public static Map<String, Object> run(Context ctx, HeraldProcess h, Store store) throws IOException {
    return run(ctx, h, store, "s1", null, null, ctx.mode.s1Seconds());
  }

  static Map<String, Object> run(Context ctx, HeraldProcess h, Store store, String app, Observe.Hook onStart,
      Observe.Hook onEnd, double seconds) throws IOException {
    ctx.sink.reset(1, false);
    ctx.setupFanOut(h.port(), app, 1);
    String database = store == Store.POSTGRES ? Postgres.databaseOf(h.databaseUrl()) : null;
    try (Monitor monitor = new Monitor(ctx.sink.port(), 3600)) {
      Load load = monitor.load(List.of(new Load.Target(h.port(), HeraldProcess.AUTH_HEADERS)), Routing.fanOut(app, 1));
      Observe o = Observe.of(ctx.mode.backlogCap()).database(database).memory(h.pid())
          .syscalls(store == Store.EMBEDDED ? h.pid() : 0).hooks(onStart, onEnd);
      Map<String, Object> m = Measure.saturate(ctx, load,
          Measure.cpu(ctx, Map.of("herald", h.pid()), store == Store.POSTGRES), o, seconds);
      m.put("delivery", DeliveryCheck.await(ctx.sink, load, Set.of(), 120).toMap());
      return m;
    }
  }

  /**
   * S1 on a fresh Herald under strace, which names the file of every fsync and fdatasync: the WAL is synced once
   * per SQLite commit, the database file at checkpoints. Only the split is used: tracing slows Herald down several
   * times here (fewer requests share each commit), so the undisturbed count comes from perf in S1 itself.
   */
  public static Map<String, Object> accounting(Context ctx) throws IOException {
    Path trace = ctx.runDir.resolve("logs/s1-fsync.strace");
    try (HeraldProcess h = ctx.herald("s1-accounting", Store.EMBEDDED, Map.of(), List.of(), trace)) {
      Warmup.run(ctx, h);
      long[] window = new long[2];
      Map<String, Object> m = run(ctx, h, Store.EMBEDDED, "s1", () -> window[0] = System.currentTimeMillis(),
          () -> window[1] = System.currentTimeMillis(), ctx.mode.accountingSeconds());
      h.stop(20);
      FsyncTrace.Counts c = FsyncTrace.count(trace, window[0], window[1]);
      double deliveries = Metric.num(m, "deliveries");
      m.put("fsyncCalls", c.total());
      m.put("walSyncs", c.wal());
      m.put("dbFileSyncs", c.db());
      m.put("otherSyncs", c.other());
      m.put("tracedFsyncsPerDelivery", Snapshot.round(c.total() / deliveries, 4));
      m.put("commitsPerDelivery", Snapshot.round(c.wal() / deliveries, 4));
      m.put("method", "strace -f --seccomp-bpf -e trace=fsync,fdatasync -y -ttt; commits = syncs of herald.db-wal");
      return m;
    } finally {
      ctx.cleanData();
    }
  }
}
