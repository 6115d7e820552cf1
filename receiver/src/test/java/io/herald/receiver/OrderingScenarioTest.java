package io.herald.receiver;

import static io.herald.receiver.Messages.event;
import static io.herald.receiver.Messages.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import io.herald.receiver.ReceiveResult.Accepted;
import io.herald.receiver.ReceiveResult.Duplicate;
import io.herald.receiver.ReceiveResult.Skipped;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * One subject's life, STARTED 1, PROGRESS 2..4, COMPLETED 5, then a late PROGRESS 6, delivered shuffled and with
 * retries (same webhook-id), through the whole receiver, for both trackers, with and without a dedupe store.
 */
class OrderingScenarioTest {
  static final String[] TYPES = {null, "ORDER_DATA_STARTED", "ORDER_DATA_PROGRESS", "ORDER_DATA_PROGRESS",
      "ORDER_DATA_PROGRESS", "ORDER_DATA_COMPLETED", "ORDER_DATA_PROGRESS"};
  static final int SEEDS = 30;

  @TempDir Path directory;
  final MutableClock clock = MutableClock.atEpochSecond(Messages.NOW);

  @ParameterizedTest(name = "{0} tracker, dedupe {1}")
  @CsvSource({"memory, true", "memory, false", "jdbc, true", "jdbc, false"})
  void shuffled_and_retried_deliveries_never_go_backwards_and_stop_at_completed(String kind, boolean dedupe) {
    WebhookReceiver receiver = receiver(kind, dedupe);
    Map<String, Integer> outcomes = new HashMap<>();
    for (int seed = 1; seed <= SEEDS; seed++) {
      Random random = new Random(seed);
      String subject = "order-" + seed;
      List<Integer> deliveries = new ArrayList<>();
      for (int sequence = 1; sequence <= 6; sequence++) {
        for (int copies = 1 + random.nextInt(3); copies > 0; copies--) {
          deliveries.add(sequence);
        }
      }
      Collections.shuffle(deliveries, random);

      long lastAccepted = 0;
      boolean ended = false;
      Set<Integer> delivered = new HashSet<>();
      List<Long> accepted = new ArrayList<>();
      for (int sequence : deliveries) {
        byte[] body = utf8("{\"order\":\"" + subject + "\",\"seq\":" + sequence + "}");
        String id = "msg_" + seed + "_" + sequence;
        ReceiveResult result = receiver.receive(event(id, subject, sequence, TYPES[sequence], body), body);
        String what = "seed " + seed + " deliveries " + deliveries + " seq " + sequence;
        boolean retry = !delivered.add(sequence);

        if (dedupe && retry) {
          assertThat(result).as(what).isEqualTo(new Duplicate(id));
        } else if (sequence > lastAccepted && !ended) {
          assertThat(result).as(what).isInstanceOf(Accepted.class);
          lastAccepted = sequence;
          ended = TYPES[sequence].equals("ORDER_DATA_COMPLETED");
          accepted.add((long) sequence);
        } else {
          Decision reason = sequence == lastAccepted ? Decision.DUPLICATE
              : sequence < lastAccepted ? Decision.STALE : Decision.AFTER_TERMINAL;
          assertThat(result).as(what).isEqualTo(new Skipped(id, subject, sequence, reason));
        }
        outcomes.merge(result instanceof Skipped s ? s.reason().name() : result.getClass().getSimpleName(), 1,
            Integer::sum);
      }
      assertThat(accepted).as("seed %d: accepted set only goes up", seed).isSorted().doesNotHaveDuplicates();
      if (accepted.contains(5L)) {
        assertThat(accepted).as("seed %d: nothing after COMPLETED", seed).endsWith(5L).doesNotContain(6L);
      }
      assertThat(accepted).as("seed %d: the first delivery is always accepted", seed).isNotEmpty();
    }
    assertThat(outcomes).as("the seeds exercise every outcome")
        .containsKeys("Accepted", "STALE", "AFTER_TERMINAL", dedupe ? "Duplicate" : "DUPLICATE");
  }

  @Test
  void in_order_delivery_accepts_up_to_completed_and_skips_the_late_progress() {
    for (String kind : List.of("memory", "jdbc")) {
      WebhookReceiver receiver = receiver(kind, true);
      List<String> results = new ArrayList<>();
      for (int sequence = 1; sequence <= 6; sequence++) {
        byte[] body = utf8("{}");
        ReceiveResult r = receiver.receive(event("msg_" + sequence, "o-1", sequence, TYPES[sequence], body), body);
        results.add(r instanceof Skipped s ? s.reason().name() : r.getClass().getSimpleName());
      }
      assertThat(results).as(kind).containsExactly(
          "Accepted", "Accepted", "Accepted", "Accepted", "Accepted", "AFTER_TERMINAL");
    }
  }

  private WebhookReceiver receiver(String kind, boolean dedupe) {
    WebhookReceiverBuilder builder = WebhookReceiver.builder().secrets(List.of(Messages.SECRET)).clock(clock)
        .terminalEventTypes("ORDER_DATA_COMPLETED", "ORDER_DATA_FAILED");
    if (kind.equals("jdbc")) {
      String table = "subjects_" + (dedupe ? "d" : "n") + "_" + System.nanoTime();
      builder.subjectTracker(new JdbcSubjectTracker(Sqlite.fileDatabase(directory), table, clock));
      if (dedupe) {
        builder.dedupeStore(new JdbcDedupeStore(Sqlite.fileDatabase(directory), "seen_" + System.nanoTime(), clock));
      }
    } else {
      builder.subjectTracker(new InMemorySubjectTracker(clock));
      if (dedupe) {
        builder.dedupeStore(new InMemoryDedupeStore(10_000, Duration.ofDays(3), clock));
      }
    }
    return builder.build();
  }
}
