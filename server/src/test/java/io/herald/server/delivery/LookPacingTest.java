package io.herald.server.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * How soon the dispatcher looks over the queue again ({@link Dispatcher#notBefore}): retries falling due close
 * together are claimed by one look instead of one look each, a look that stopped at its limit is followed at once,
 * and a fruitless look is held back by its own cost.
 */
class LookPacingTest {
  static final long T = 1_000_000;

  @Test
  void after_claiming_retries_the_next_look_waits_for_more_to_gather() {
    var claimed = new Dispatcher.Look(T + 3, true, false); // the next retry is due 3 ms on
    assertThat(Dispatcher.notBefore(claimed, T, T + 1, 1)).isEqualTo(T + Dispatcher.LOOK_SPACING_MS);
  }

  @Test
  void a_look_that_stopped_at_its_limit_is_followed_at_once() {
    var full = new Dispatcher.Look(T, true, true);
    assertThat(Dispatcher.notBefore(full, T, T + 40, 40)).isZero();
  }

  @Test
  void a_fruitless_look_waits_the_spacing_or_twenty_times_its_cost_whichever_is_longer() {
    var cheap = new Dispatcher.Look(T + 1_000, false, false);
    assertThat(Dispatcher.notBefore(cheap, T, T + 1, 1)).isEqualTo(T + Dispatcher.LOOK_SPACING_MS);
    var costly = new Dispatcher.Look(T + 1_000, false, false); // skipped a full lane's deep backlog: 30 ms
    assertThat(Dispatcher.notBefore(costly, T, T + 30, 30)).isEqualTo(T + 30 + Dispatcher.LOOK_BUDGET * 30);
  }
}
