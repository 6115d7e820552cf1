package io.herald.server.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PacerTest {
  static final long MS = 1_000_000L;

  @Test
  void no_rate_is_no_limit() {
    Pacer p = new Pacer();
    for (int i = 0; i < 10_000; i++) {
      assertThat(p.acquire(null, 0)).isZero();
      assertThat(p.acquire(0, 0)).isZero();
    }
  }

  @Test
  void allows_a_tenth_of_a_seconds_burst_then_spaces_attempts_evenly() {
    Pacer p = new Pacer();
    int allowed = 0;
    while (p.acquire(50, 0) == 0) {
      allowed++;
    }
    assertThat(allowed).as("50/s: the first, and four more within the 100 ms burst window").isEqualTo(5);
    assertThat(p.acquire(50, 0)).as("the next slot opens one interval (20 ms) later").isEqualTo(20 * MS);
    assertThat(p.acquire(50, 20 * MS)).isZero();
    assertThat(p.acquire(50, 20 * MS)).isEqualTo(20 * MS);
  }

  @Test
  void over_a_long_run_the_rate_holds() {
    Pacer p = new Pacer();
    long now = 0;
    int attempts = 0;
    while (now < 10_000 * MS) {
      long wait = p.acquire(200, now);
      if (wait == 0) {
        attempts++;
      } else {
        now += wait;
      }
    }
    assertThat(attempts).as("200/s for 10 s, plus the initial burst of 20").isBetween(2_000, 2_021);
  }

  @Test
  void an_idle_pacer_does_not_bank_more_than_the_burst() {
    Pacer p = new Pacer();
    p.acquire(50, 0);
    int allowed = 0;
    while (p.acquire(50, 60_000 * MS) == 0) {
      allowed++;
    }
    assertThat(allowed).as("50/s after a minute idle: the same burst of 5, not a minute's worth").isEqualTo(5);
  }
}
