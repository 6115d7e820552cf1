package io.herald.bench.baseline;

import io.herald.bench.load.Payloads;
import io.herald.server.config.ConfigLoader;
import io.herald.server.delivery.DeliveryRepository;
import io.herald.server.delivery.DeliveryTask;
import io.herald.server.message.Message;
import io.herald.server.message.MessageRepository;
import io.herald.server.store.Database;
import io.herald.server.store.Ids;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.herald.bench.proc.Proc;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The store floor: what the embedded store alone costs per delivery, with none of Herald around it. Herald's own
 * schema (its migrations) and its own hot statements ({@link MessageRepository#insert}, {@link
 * DeliveryRepository#insert}, {@link DeliveryRepository#complete}) on its own connection settings (WAL,
 * synchronous=FULL, foreign keys), run by one thread that commits {@code batch} new messages with their deliveries
 * and the outcomes of the previous batch's deliveries per transaction: what a group commit in S1 holds.
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
   * Runs the floor in a JVM of its own on {@code heraldJar} and the harness's classes, in a fresh directory under
   * {@code dir} (the data directory's file system, as Herald's), and returns what it measured.
   */
  public static Map<String, Object> measure(Path heraldJar, Path dir, double seconds) throws IOException {
    Files.createDirectories(dir);
    Path data = Files.createTempDirectory(dir, "store-floor");
    try {
      String classes = Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
          .filter(e -> e.endsWith("classes")).map(e -> Path.of(e).toAbsolutePath().toString())
          .findFirst().orElseThrow();
      String out = Proc.output(dir, List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-cp", heraldJar.toAbsolutePath() + File.pathSeparator + classes, StoreFloor.class.getName(), data.toString(),
          Integer.toString(BATCH), Double.toString(WARM_UP_SECONDS), Double.toString(seconds)));
      String line = out.lines().filter(l -> l.startsWith("{\"batch\"")).reduce((a, b) -> b)
          .orElseThrow(() -> new IOException("the store floor printed no result:\n" + out));
      Map<String, Object> m = new LinkedHashMap<>(new ObjectMapper().readValue(line, new TypeReference<>() {}));
      m.put("method", "Herald's schema and hot statements (message insert, delivery insert, attempt insert and "
          + "delivery update), one thread, " + BATCH + " new deliveries and " + BATCH + " outcomes per commit, "
          + "WAL with synchronous=FULL; thread CPU (user + system) from /proc after a " + (int) WARM_UP_SECONDS
          + " s warm-up");
      return m;
    } finally {
      try (Stream<Path> files = Files.walk(data)) {
        files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }

  /** {@code StoreFloor <data dir> <batch> <warm-up seconds> <seconds>} */
  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args[0]);
    int batch = Integer.parseInt(args[1]);
    double warmSeconds = Double.parseDouble(args[2]);
    double seconds = Double.parseDouble(args[3]);
    try (Database db = Database.open(ConfigLoader.load(Map.of("HERALD_DATA_DIR", dir.toString())));
        Handle h = Jdbi.create(db.dataSource()).open()) {
      h.useTransaction(t -> {
        t.execute("INSERT INTO application (id, name, created_at, updated_at) VALUES ('app_floor', 'floor', 0, 0)");
        t.execute("INSERT INTO endpoint (id, app_id, url, secret, created_at, updated_at) "
            + "VALUES ('ep_floor', 'app_floor', 'http://127.0.0.1:9/hook', 'whsec_floor', 0, 0)");
      });
      byte[] payload = Payloads.payload(0, 0); // the size S1 sends
      List<DeliveryTask> previous = new ArrayList<>();
      long warmEnd = System.nanoTime() + (long) (warmSeconds * 1e9);
      long end = warmEnd + (long) (seconds * 1e9);
      long[] cpuStart = null;
      long started = 0;
      long deliveries = 0;
      long commits = 0;
      while (true) {
        long nanos = System.nanoTime();
        if (cpuStart == null && nanos >= warmEnd) {
          cpuStart = threadCpuTicks();
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
          for (int i = 0; i < batch; i++) {
            String msgId = Ids.next("msg", now);
            MessageRepository.insert(t, new Message(msgId, "app_floor", null, Payloads.EVENT_TYPE, null, payload, now,
                null, null, null, null, null));
            long id = DeliveryRepository.insert(t, msgId, "ep_floor", "app_floor", now, now + 30_000, "floor");
            fresh.add(new DeliveryTask(id, msgId, "ep_floor", "app_floor", Payloads.EVENT_TYPE, payload, 0, false,
                now + 30_000, null, null));
          }
          for (DeliveryTask d : done) {
            DeliveryRepository.complete(t, d, "floor",
                new DeliveryRepository.AttemptRecord("http://127.0.0.1:9/hook", 0, 200, "", 1), 0, null, now);
          }
        });
        previous = fresh;
        deliveries += batch;
        commits++;
      }
      long[] cpu = threadCpuTicks();
      double secs = (System.nanoTime() - started) / 1e9;
      double tickMicros = 1e6 / 100; // USER_HZ
      double user = (cpu[0] - cpuStart[0]) * tickMicros / deliveries;
      double sys = (cpu[1] - cpuStart[1]) * tickMicros / deliveries;
      System.out.printf(java.util.Locale.ROOT, "{\"batch\":%d,\"deliveriesPerSecond\":%.1f,\"commitsPerSecond\":%.1f,"
              + "\"cpuMicrosPerDelivery\":%.2f,\"userMicrosPerDelivery\":%.2f,\"systemMicrosPerDelivery\":%.2f,"
              + "\"deliveries\":%d,\"seconds\":%.2f,\"cores\":%d}%n", batch, deliveries / secs, commits / secs, user + sys,
          user, sys, deliveries, secs, Runtime.getRuntime().availableProcessors());
    }
  }

  /** This thread's user and system CPU so far, in clock ticks: the kernel's share (WAL writes, fsync) counts. */
  private static long[] threadCpuTicks() throws IOException {
    String stat = Files.readString(Path.of("/proc/thread-self/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12])};
  }
}
