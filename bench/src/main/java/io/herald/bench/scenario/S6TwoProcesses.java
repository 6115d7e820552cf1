package io.herald.bench.scenario;

import io.herald.bench.load.Load;
import io.herald.bench.load.Routing;
import io.herald.bench.pg.Postgres;
import io.herald.bench.proc.HeraldProcess;
import java.io.IOException;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * S6 (PostgreSQL): two Herald processes on one database. First saturated like S1, the load split evenly over both
 * APIs; then at half of S1's rate, one process is killed with SIGKILL mid-run and the load moves to the survivor.
 * Nothing accepted may be lost; what the dead process held in memory is claimed by the survivor once its lease runs
 * out, so the redelivery delay is bounded by HERALD_LEASE_SECONDS, which is set short here (30 s, with a 5 s
 * delivery timeout; not shorter, because a delivery waits in memory only while more than the timeout is left of its
 * lease, and at saturation deliveries can wait seconds).
 * During the kill phase the receiver takes 200 ms to answer, as real ones do, so the killed process does hold
 * deliveries in flight (received but not recorded: they come again, as duplicates) when it dies.
 */
public final class S6TwoProcesses {
  static final long RECEIVER_DELAY_MS = 200;
  /**
   * How fast the survivor alone can send to the one endpoint: Herald's default concurrency per endpoint (32) over the
   * receiver's delay. The kill phase offers half of S1's PostgreSQL rate, more than that, so a backlog builds; the
   * wait for delivery covers the lease, the survivor sending that backlog, and a minute's margin. A fixed 90 s was
   * shorter than the backlog on a fast day (2,000 deliveries still queued, not lost, when the count was taken).
   */
  static final double SURVIVOR_PER_SECOND = 32 / (RECEIVER_DELAY_MS / 1000.0);
  static final Map<String, String> SETTINGS = Map.of("HERALD_DELIVERY_TIMEOUT_SECONDS", "5",
      "HERALD_LEASE_SECONDS", "30");

  private S6TwoProcesses() {}

  public static Map<String, Object> run(Context ctx, double s1PgRate) throws IOException {
    Map<String, Object> out = new LinkedHashMap<>();
    String url = ctx.newDatabase("herald");
    Map<String, String> settings = new LinkedHashMap<>(SETTINGS);
    settings.put("HERALD_DATABASE_URL", url);
    out.put("settings", settings);
    try (HeraldProcess a = ctx.herald("s6-a", Store.POSTGRES, settings, List.of(), null)) {
      ctx.setupFanOut(a.port(), "s6", 1);
      try (HeraldProcess b = ctx.herald("s6-b", Store.POSTGRES, settings, List.of(), null)) {
        List<Load.Target> targets = List.of(new Load.Target(a.port(), HeraldProcess.AUTH_HEADERS),
            new Load.Target(b.port(), HeraldProcess.AUTH_HEADERS));
        out.put("warmup", Warmup.run(ctx, targets, true));
        var cpu = Measure.cpu(ctx, Map.of("herald-a", a.pid(), "herald-b", b.pid()), true);
        String database = Postgres.databaseOf(url);

        ctx.sink.reset(1, false);
        try (Monitor monitor = new Monitor(ctx.sink.port(), 3600)) {
          Load load = monitor.load(targets, Routing.fanOut("s6", 1));
          Map<String, Object> sat = Measure.saturate(ctx, load, cpu,
              Observe.of(2 * ctx.mode.backlogCap()).database(database), ctx.mode.s6Seconds());
          sat.put("delivery", DeliveryCheck.await(ctx.sink, load, Set.of(), 120).toMap());
          Context.requireAlive(a, "Herald A");
          Context.requireAlive(b, "Herald B");
          out.put("saturation", sat);
        }

        long resetAt = System.nanoTime();
        ctx.sink.reset(1, true);
        ctx.sink.behave(-1, 200, RECEIVER_DELAY_MS);
        try (Monitor monitor = new Monitor(ctx.sink.port(), 3600)) {
          Load load = monitor.load(targets, Routing.fanOut("s6", 1));
          double kill = ctx.mode.s6KillSeconds();
          double rate = s1PgRate / 2;
          Load.Phase phase = load.start(Load.Spec.open(ctx.mode.openLoopConnections(), rate, 2 * kill));
          Context.sleep(kill);
          long seqAtKill = load.nextSeq();
          long killedAt = System.nanoTime();
          b.kill9();
          load.markDead(1);
          phase.await();
          DeliveryCheck check = DeliveryCheck.await(ctx.sink, load, Set.of(), 30 + 60
              + load.acceptedMessages() / SURVIVOR_PER_SECOND);
          Map<String, Object> k = new LinkedHashMap<>();
          k.put("rate", Snapshot.round(rate, 1));
          k.put("receiverDelayMs", RECEIVER_DELAY_MS);
          k.put("acceptedBeforeKill", load.accepted().get(0, (int) seqAtKill).cardinality());
          k.put("requestsFailedByKill", load.errors());
          k.putAll(redelivery(ctx, load, seqAtKill, killedAt, resetAt));
          k.put("delivery", check.toMap());
          Context.requireAlive(a, "Herald A (the survivor)");
          out.put("kill", k);
        }
      }
    }
    return out;
  }

  /**
   * Of the messages accepted before the kill, those whose first delivery, or whose repeated delivery, came more
   * than a second after it: work the dead process held. The redelivery delay is the latest of those arrivals.
   */
  private static Map<String, Object> redelivery(Context ctx, Load load, long seqAtKill, long killedAt, long resetAt)
      throws IOException {
    int[][] times = ctx.sink.deliveryTimesMs();
    byte[] counts = ctx.sink.perKeyCounts();
    BitSet accepted = load.accepted();
    double killMs = (killedAt - resetAt) / 1e6;
    double latest = 0;
    long late = 0;
    for (int seq = accepted.nextSetBit(0); seq >= 0 && seq < seqAtKill; seq = accepted.nextSetBit(seq + 1)) {
      if (seq >= times[0].length || times[0][seq] == 0) {
        continue;
      }
      double first = times[0][seq] - 1 - killMs;
      double last = times[1][seq] - 1 - killMs;
      double delay = first > 1000 ? first : counts[seq] > 1 && last > 1000 ? last : 0;
      if (delay > 0) {
        late++;
        latest = Math.max(latest, delay);
      }
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("redeliveryDelaySeconds", Snapshot.round(latest / 1000, 2));
    m.put("preKillMessagesDeliveredAgainOrLate", late);
    return m;
  }
}
