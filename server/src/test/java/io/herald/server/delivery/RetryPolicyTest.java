package io.herald.server.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
  static final List<Duration> SVIX = List.of(Duration.ofSeconds(5), Duration.ofMinutes(5), Duration.ofMinutes(30),
      Duration.ofHours(2), Duration.ofHours(5), Duration.ofHours(10), Duration.ofHours(10));

  @Test
  void follows_the_schedule_without_jitter_at_the_midpoint() {
    RetryPolicy p = new RetryPolicy(SVIX, () -> 0.5);
    assertThat(p.maxAttempts()).isEqualTo(8);
    for (int i = 0; i < SVIX.size(); i++) {
      assertThat(p.nextDelay(i + 1, Optional.empty())).contains(SVIX.get(i));
    }
    assertThat(p.nextDelay(8, Optional.empty())).isEmpty();
  }

  @Test
  void jitter_stays_within_twenty_percent_either_way() {
    assertThat(new RetryPolicy(SVIX, () -> 0.0).nextDelay(2, Optional.empty())).contains(Duration.ofSeconds(240));
    assertThat(new RetryPolicy(SVIX, () -> 0.999999).nextDelay(2, Optional.empty()).orElseThrow())
        .isBetween(Duration.ofMillis(359_999), Duration.ofSeconds(360));
    java.util.Random random = new java.util.Random(7);
    RetryPolicy p = new RetryPolicy(SVIX, random::nextDouble);
    for (int i = 0; i < 10_000; i++) {
      assertThat(p.nextDelay(1, Optional.empty()).orElseThrow()).isBetween(Duration.ofSeconds(4), Duration.ofSeconds(6));
    }
  }

  @Test
  void retry_after_can_delay_up_to_twice_the_schedule_but_never_hasten() {
    RetryPolicy p = new RetryPolicy(SVIX, () -> 0.5);
    assertThat(p.nextDelay(1, Optional.of(Duration.ofSeconds(8)))).contains(Duration.ofSeconds(8));
    assertThat(p.nextDelay(1, Optional.of(Duration.ofHours(3)))).contains(Duration.ofSeconds(10));
    assertThat(p.nextDelay(1, Optional.of(Duration.ofSeconds(1)))).contains(Duration.ofSeconds(5));
  }

  @Test
  void an_empty_schedule_means_a_single_attempt() {
    RetryPolicy p = new RetryPolicy(List.of(), () -> 0.5);
    assertThat(p.maxAttempts()).isEqualTo(1);
    assertThat(p.nextDelay(1, Optional.empty())).isEmpty();
  }
}
