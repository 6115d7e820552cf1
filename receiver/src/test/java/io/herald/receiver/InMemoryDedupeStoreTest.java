package io.herald.receiver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class InMemoryDedupeStoreTest extends DedupeStoreContract {
  static final Duration TTL = Duration.ofHours(1);

  @Override
  DedupeStore newStore(MutableClock clock) {
    return new InMemoryDedupeStore(1_000, TTL, clock);
  }

  @Test
  void an_id_is_new_again_once_its_ttl_has_passed() {
    assertThat(store.firstSeen("msg_1")).isTrue();
    clock.advance(TTL.minusSeconds(1));
    assertThat(store.firstSeen("msg_1")).isFalse();
    clock.advance(Duration.ofSeconds(1));
    assertThat(store.firstSeen("msg_1")).isTrue();
    assertThat(store.firstSeen("msg_1")).isFalse();
  }

  @Test
  void ttl_counts_from_first_sight_not_from_the_latest_duplicate() {
    assertThat(store.firstSeen("msg_1")).isTrue();
    clock.advance(Duration.ofMinutes(50));
    assertThat(store.firstSeen("msg_1")).isFalse();
    clock.advance(Duration.ofMinutes(10));
    assertThat(store.firstSeen("msg_1")).isTrue();
  }

  @Test
  void expired_ids_are_dropped_from_memory() {
    InMemoryDedupeStore memory = new InMemoryDedupeStore(1_000, TTL, clock);
    for (int i = 0; i < 100; i++) {
      memory.firstSeen("old_" + i);
    }
    clock.advance(TTL);
    memory.firstSeen("new");
    assertThat(memory.size()).isEqualTo(1);
  }

  @Test
  void bound_evicts_the_least_recently_used_id() {
    InMemoryDedupeStore small = new InMemoryDedupeStore(3, TTL, clock);
    small.firstSeen("a");
    small.firstSeen("b");
    small.firstSeen("c");
    assertThat(small.firstSeen("a")).isFalse(); // touches a: b is now the least recently used
    assertThat(small.firstSeen("d")).isTrue(); // evicts b
    assertThat(small.size()).isEqualTo(3);
    assertThat(small.firstSeen("a")).isFalse();
    assertThat(small.firstSeen("c")).isFalse();
    assertThat(small.firstSeen("d")).isFalse();
    assertThat(small.firstSeen("b")).isTrue(); // forgotten by eviction
  }

  @Test
  void rejects_nonsense_configuration() {
    assertThatIllegalArgumentException().isThrownBy(() -> new InMemoryDedupeStore(0, TTL));
    assertThatIllegalArgumentException().isThrownBy(() -> new InMemoryDedupeStore(10, Duration.ZERO));
  }
}
