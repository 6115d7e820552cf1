package io.herald.bench.baseline;

import io.herald.bench.load.Payloads;
import io.herald.bench.proc.OnHeraldJar;
import io.herald.bench.proc.Proc;
import io.herald.server.delivery.DeliveryRepository;
import io.herald.server.delivery.DeliveryTask;
import io.herald.server.message.Message;
import io.herald.server.message.MessageRepository;
import io.herald.server.store.Database;
import io.herald.server.store.Ids;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The store floor: what a store alone costs per delivery, with none of Herald around it. Herald's own schema (its
 * migrations) and its own hot statements ({@link MessageRepository#insertAll}, {@link DeliveryRepository#insertAll},
 * {@link DeliveryRepository#completeAll}, which a group commit runs once for all the plain messages and outcomes it
 * holds) on its own connection settings (SQLite: WAL, synchronous=FULL, foreign keys; PostgreSQL: the server's), run
 * by one thread that commits {@code batch} new messages with their deliveries and the outcomes of the previous
 * batch's deliveries per transaction: what a group commit in S1 holds. On PostgreSQL the server's processes count
 * too.
 *
 * <p>No HTTP, no queue, no dispatcher: a delivery through Herald costs at least this plus its two HTTP exchanges
 * (the producer's POST in, the webhook out), so "this + two raw requests" is a floor for S1's CPU per delivery that
 * no change outside the store can go below. Runs in its own JVM on herald.jar's classpath (printed as one line of
 * JSON), so the harness's JVM loads none of Herald.
 */
public final class StoreFloor {
  /** Deliveries per commit: about what S1's group commit holds at saturation (0.09 commits per delivery). */
  static final int BATCH = 10;
  private static final double WARM_UP_SECONDS = 5;

  private StoreFloor() {}

  /**
   * Runs the floor on the embedded store in a JVM of its own on {@code heraldJar} and the harness's classes, in a
   * fresh directory under {@code dir} (the data directory's file system, as Herald's), and returns what it measured.
   */
  public static Map<String, Object> measure(Path heraldJar, Path dir, double seconds) throws IOException {
    Files.createDirectories(dir);
    Path data = Files.createTempDirectory(dir, "store-floor");
    try {
      Map<String, Object> m = run(heraldJar, dir, data.toString(), -1, seconds);
      m.put("method", METHOD + "; SQLite WAL with synchronous=FULL; thread CPU (user + system) from /proc");
      return m;
    } finally {
      try (Stream<Path> files = Files.walk(data)) {
        files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }

  /**
   * The floor on PostgreSQL, in the database {@code jdbcUrl} names: the floor thread's CPU (its JDBC client side)
   * plus that of every PostgreSQL process under the postmaster {@code postmasterPid} (the server side).
   */
  public static Map<String, Object> measurePostgres(Path heraldJar, Path dir, String jdbcUrl, long postmasterPid,
      double seconds) throws IOException {
    Files.createDirectories(dir);
    Map<String, Object> m = run(heraldJar, dir, jdbcUrl, postmasterPid, seconds);
    m.put("method", METHOD + "; PostgreSQL, fsync and synchronous_commit on; the thread's CPU plus every PostgreSQL "
        + "process's, from /proc");
    return m;
  }

  private static final String METHOD = "Herald's schema and hot statements (message inserts, delivery inserts, "
      + "attempt inserts and delivery updates, each as one JDBC batch per commit), one thread, " + BATCH
      + " new deliveries and " + BATCH + " outcomes per commit, measured after a " + (int) WARM_UP_SECONDS
      + " s warm-up";

  private static Map<String, Object> run(Path heraldJar, Path dir, String store, long postmasterPid, double seconds)
      throws IOException {
    return OnHeraldJar.run(heraldJar, dir, StoreFloor.class, "{\"batch\"", List.of(store, Integer.toString(BATCH),
        Double.toString(WARM_UP_SECONDS), Double.toString(seconds), Long.toString(postmasterPid)));
  }

  /**
   * {@code StoreFloor <data dir | jdbc:postgresql:...> <batch> <warm-up seconds> <seconds> [postmaster pid]}; with
   * a pid above 0, that process tree's CPU counts too.
   */
  public static void main(String[] args) throws IOException {
    String store = args[0];
    int batch = Integer.parseInt(args[1]);
    double warmSeconds = Double.parseDouble(args[2]);
    double seconds = Double.parseDouble(args[3]);
    long serverPid = args.length > 4 ? Long.parseLong(args[4]) : -1;
    try (Database db = OnHeraldJar.open(store);
        Handle h = Jdbi.create(db.dataSource()).open()) {
      OnHeraldJar.endpoint(h, "app_floor", "ep_floor");
      byte[] payload = Payloads.payload(0, 0); // the size S1 sends
      List<DeliveryTask> previous = new ArrayList<>();
      long warmEnd = System.nanoTime() + (long) (warmSeconds * 1e9);
      long end = warmEnd + (long) (seconds * 1e9);
      long[] cpuStart = null;
      long serverStart = 0;
      long started = 0;
      long deliveries = 0;
      long commits = 0;
      while (true) {
        long nanos = System.nanoTime();
        if (cpuStart == null && nanos >= warmEnd) {
          cpuStart = Proc.currentThreadCpuMicros();
          serverStart = serverPid > 0 ? Proc.treeCpuMicros(serverPid) : 0;
          started = nanos;
          deliveries = 0;
          commits = 0;
        } else if (nanos >= end) {
          break;
        }
        List<DeliveryTask> done = previous;
        List<DeliveryTask> fresh = new ArrayList<>(batch);
        h.useTransaction(t -> {
          long now = System.currentTimeMillis();
          List<Message> messages = new ArrayList<>(batch);
          List<DeliveryRepository.NewDelivery> rows = new ArrayList<>(batch);
          for (int i = 0; i < batch; i++) {
            String msgId = Ids.next("msg", now);
            messages.add(new Message(msgId, "app_floor", null, Payloads.EVENT_TYPE, null, payload, now, null, null,
                null, null, null));
            rows.add(new DeliveryRepository.NewDelivery(msgId, "ep_floor", "app_floor", now, now + 30_000, "floor"));
          }
          MessageRepository.insertAll(t, messages);
          long[] ids = DeliveryRepository.insertAll(t, db.dialect(), rows);
          for (int i = 0; i < batch; i++) {
            fresh.add(new DeliveryTask(ids[i], messages.get(i).id(), "ep_floor", "app_floor", Payloads.EVENT_TYPE,
                payload, 0, false, now + 30_000, null, null));
          }
          List<DeliveryRepository.Completion> outcomes = new ArrayList<>(done.size());
          for (DeliveryTask d : done) {
            outcomes.add(new DeliveryRepository.Completion(d,
                new DeliveryRepository.AttemptRecord("http://127.0.0.1:9/hook", 0, 200, "", 1), 0, null, now));
          }
          DeliveryRepository.completeAll(t, "floor", outcomes);
        });
        previous = fresh;
        deliveries += batch;
        commits++;
      }
      long[] cpu = Proc.currentThreadCpuMicros();
      double server = serverPid > 0 ? (double) (Proc.treeCpuMicros(serverPid) - serverStart) / deliveries : 0;
      double secs = (System.nanoTime() - started) / 1e9;
      double user = (double) (cpu[0] - cpuStart[0]) / deliveries;
      double sys = (double) (cpu[1] - cpuStart[1]) / deliveries;
      System.out.printf(java.util.Locale.ROOT, "{\"batch\":%d,\"deliveriesPerSecond\":%.1f,\"commitsPerSecond\":%.1f,"
              + "\"cpuMicrosPerDelivery\":%.2f,\"userMicrosPerDelivery\":%.2f,\"systemMicrosPerDelivery\":%.2f,"
              + "\"serverMicrosPerDelivery\":%.2f,\"deliveries\":%d,\"seconds\":%.2f,\"cores\":%d}%n", batch,
          deliveries / secs, commits / secs, user + sys + server, user, sys, server, deliveries, secs,
          Runtime.getRuntime().availableProcessors());
    }
  }
}
