package io.herald.server.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Retention's pacing as arithmetic: how a batch's time sizes the next and how long the pass rests. What the pacing
 * does to producers' latency is a benchmark's question (bench S9), not a timed unit test's.
 */
class RetentionPaceTest {
  static final long STEP = Retention.STEP.toNanos();

  @Test
  void a_batch_well_under_the_step_doubles_the_next_up_to_the_maximum() {
    assertThat(Retention.nextSize(100, STEP / 2 - 1)).isEqualTo(200);
    assertThat(Retention.nextSize(Retention.MAX_BATCH - 1, 0)).isEqualTo(Retention.MAX_BATCH);
  }

  @Test
  void a_batch_well_over_the_step_halves_the_next_down_to_the_minimum() {
    assertThat(Retention.nextSize(100, STEP * 2 + 1)).isEqualTo(50);
    assertThat(Retention.nextSize(Retention.MIN_BATCH + 1, Duration.ofSeconds(1).toNanos()))
        .isEqualTo(Retention.MIN_BATCH);
  }

  @Test
  void a_batch_near_the_step_keeps_its_size() {
    assertThat(Retention.nextSize(100, STEP / 2)).isEqualTo(100);
    assertThat(Retention.nextSize(100, STEP)).isEqualTo(100);
    assertThat(Retention.nextSize(100, STEP * 2)).isEqualTo(100);
  }

  @Test
  void the_rest_after_a_batch_keeps_the_pass_to_its_share_of_the_time() {
    long took = Duration.ofMillis(4).toNanos();
    long rest = Retention.restAfter(took);
    assertThat((double) took / (took + rest)).isCloseTo(Retention.SHARE, offset(1e-9));
    assertThat(rest).isEqualTo(Duration.ofMillis(12).toNanos());
  }
}
