package io.herald.bench.scenario;

import io.herald.bench.load.Payloads;
import io.herald.bench.proc.OnHeraldJar;
import io.herald.server.delivery.DeliveryRepository;
import io.herald.server.delivery.DeliveryTask;
import io.herald.server.message.Message;
import io.herald.server.message.MessageRepository;
import io.herald.server.store.Database;
import io.herald.server.store.Ids;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Old history for S9: messages older than Herald's default retention (30 days), each delivered once, written as
 * Herald writes them (its migrations and its own insert and outcome statements: a message row, a delivery row and an
 * attempt row each), so a Herald started on the store finds what a month of traffic leaves behind. Runs in its own
 * JVM on herald.jar's classpath, before Herald starts, as the store floor does.
 */
final class History {
  /** Messages per transaction. */
  static final int BATCH = 500;
  /** Older than HERALD_RETENTION_DAYS' default (30) by a day. */
  static final Duration AGE = Duration.ofDays(31);
  /** The application the old messages belong to (the load uses others). */
  static final String APP = "app_old";

  private History() {}

  /**
   * Writes {@code messages} old messages into {@code store} (a data directory or a PostgreSQL JDBC URL), all of
   * application {@link #APP}, made {@code rate} a second as the traffic that left them was, and returns what was
   * written. Their ids carry those times, and a retention pass reads from them how fast it walks history.
   */
  static Map<String, Object> seed(Path heraldJar, Path dir, String store, int messages, double rate)
      throws IOException {
    return OnHeraldJar.run(heraldJar, dir, History.class, "{\"messages\"",
        List.of(store, Integer.toString(messages), Double.toString(rate)));
  }

  /** {@code History <data dir | jdbc:postgresql:...> <messages> <messages per second>}. */
  public static void main(String[] args) {
    String store = args[0];
    int count = Integer.parseInt(args[1]);
    double millisApart = 1000 / Double.parseDouble(args[2]);
    long started = System.nanoTime();
    long first = System.currentTimeMillis() - AGE.toMillis();
    try (Database db = OnHeraldJar.open(store);
        Handle h = Jdbi.create(db.dataSource()).open()) {
      OnHeraldJar.endpoint(h, APP, "ep_old");
      byte[] payload = Payloads.payload(0, 0); // the size the load sends
      for (int done = 0; done < count; done += BATCH) {
        int n = Math.min(BATCH, count - done);
        int from = done;
        h.useTransaction(t -> {
          List<Message> messages = new ArrayList<>(n);
          List<DeliveryRepository.NewDelivery> rows = new ArrayList<>(n);
          long[] at = new long[n];
          for (int i = 0; i < n; i++) {
            at[i] = first + (long) ((from + i) * millisApart); // a month old, in the order they came
            String msgId = Ids.next("msg", at[i]);
            messages.add(new Message(msgId, APP, null, Payloads.EVENT_TYPE, null, payload, at[i], null, null,
                null, null, null));
            rows.add(new DeliveryRepository.NewDelivery(msgId, "ep_old", APP, at[i], at[i] + 30_000, "old"));
          }
          MessageRepository.insertAll(t, messages);
          long[] ids = DeliveryRepository.insertAll(t, db.dialect(), rows);
          List<DeliveryRepository.Completion> outcomes = new ArrayList<>(n);
          for (int i = 0; i < n; i++) {
            DeliveryTask d = new DeliveryTask(ids[i], messages.get(i).id(), "ep_old", APP,
                Payloads.EVENT_TYPE, payload, 0, false, at[i] + 30_000, null, null);
            outcomes.add(new DeliveryRepository.Completion(d,
                new DeliveryRepository.AttemptRecord("http://127.0.0.1:9/hook", 0, 200, "", 1), 0, null, at[i]));
          }
          DeliveryRepository.completeAll(t, "old", outcomes);
        });
      }
    }
    System.out.printf(java.util.Locale.ROOT, "{\"messages\":%d,\"rowsPerMessage\":3,\"ageDays\":%d,"
            + "\"spanSeconds\":%.1f,\"seconds\":%.1f}%n", count, AGE.toDays(), count * millisApart / 1000,
        (System.nanoTime() - started) / 1e9);
  }
}
