package io.herald.receiver;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class InMemorySubjectTrackerTest extends SubjectTrackerContract {
  @Override
  SubjectTracker newTracker(MutableClock clock) {
    return new InMemorySubjectTracker(clock);
  }

  @Test
  void purge_older_than_drops_idle_subjects_only() {
    InMemorySubjectTracker memory = (InMemorySubjectTracker) tracker;
    memory.observe("idle", 5, true);
    clock.advance(Duration.ofDays(31));
    memory.observe("busy", 1, false);

    assertThat(memory.purgeOlderThan(clock.instant().minus(Duration.ofDays(30)))).isEqualTo(1);
    assertThat(memory.size()).isEqualTo(1);
    assertThat(memory.observe("idle", 6, false)).as("starts over").isEqualTo(Decision.ACCEPT);
    assertThat(memory.observe("busy", 1, false)).isEqualTo(Decision.DUPLICATE);
  }
}
