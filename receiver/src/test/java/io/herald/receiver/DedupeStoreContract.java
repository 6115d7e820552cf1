package io.herald.receiver;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every DedupeStore must do; each implementation's test extends this. */
abstract class DedupeStoreContract {
  final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  DedupeStore store;

  abstract DedupeStore newStore(MutableClock clock);

  @BeforeEach
  void createStore() {
    store = newStore(clock);
  }

  @Test
  void first_delivery_is_new_and_a_repeat_is_a_duplicate() {
    assertThat(store.firstSeen("msg_1")).isTrue();
    assertThat(store.firstSeen("msg_1")).isFalse();
    assertThat(store.firstSeen("msg_1")).isFalse();
    assertThat(store.firstSeen("msg_2")).isTrue();
  }

  @Test
  void forget_lets_the_same_id_through_once_more() {
    assertThat(store.firstSeen("msg_1")).isTrue();
    store.forget("msg_1");
    assertThat(store.firstSeen("msg_1")).isTrue();
    assertThat(store.firstSeen("msg_1")).isFalse();
  }

  @Test
  void forget_of_an_unknown_id_is_harmless() {
    store.forget("never-seen");
    assertThat(store.firstSeen("never-seen")).isTrue();
  }

  @Test
  void very_long_ids_are_deduplicated_too() {
    String longId = "msg_" + "x".repeat(600);
    assertThat(store.firstSeen(longId)).isTrue();
    assertThat(store.firstSeen(longId)).isFalse();
    assertThat(store.firstSeen(longId + "y")).isTrue();
  }

  @Test
  void concurrent_first_seen_from_8_threads_returns_true_exactly_once() throws Exception {
    for (int round = 0; round < 25; round++) {
      String id = "msg_race_" + round;
      List<Boolean> results = Concurrently.run(thread -> () -> store.firstSeen(id));
      assertThat(results).as("round %d", round).hasSize(Concurrently.THREADS).containsOnlyOnce(true);
    }
  }

  @Test
  void concurrent_distinct_ids_are_all_new() throws Exception {
    List<Boolean> results = Concurrently.run(thread -> () -> store.firstSeen("msg_thread_" + thread));
    assertThat(results).containsOnly(true);
  }
}
