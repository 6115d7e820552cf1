package io.herald.receiver;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JdbcSubjectTrackerTest extends SubjectTrackerContract {
  @TempDir Path directory;
  DataSource dataSource;

  @Override
  SubjectTracker newTracker(MutableClock clock) {
    dataSource = Sqlite.fileDatabase(directory);
    return new JdbcSubjectTracker(dataSource, "herald_subjects", clock);
  }

  @Test
  void purge_older_than_deletes_idle_subjects_only() {
    JdbcSubjectTracker jdbc = (JdbcSubjectTracker) tracker;
    jdbc.observe("idle", 5, true);
    clock.advance(Duration.ofDays(31));
    jdbc.observe("busy", 1, false);

    assertThat(jdbc.purgeOlderThan(clock.instant().minus(Duration.ofDays(30)))).isEqualTo(1);
    assertThat(jdbc.observe("idle", 6, false)).as("starts over").isEqualTo(Decision.ACCEPT);
    assertThat(jdbc.observe("busy", 1, false)).isEqualTo(Decision.DUPLICATE);
  }

  @Test
  void state_survives_a_new_instance_and_is_shared_between_instances() throws Exception {
    tracker.observe("order-1", 5, true);
    SubjectTracker restarted = new JdbcSubjectTracker(dataSource, "herald_subjects", clock);
    assertThat(restarted.observe("order-1", 6, false)).isEqualTo(Decision.AFTER_TERMINAL);

    List<Decision> decisions = Concurrently.run(
        thread -> () -> (thread % 2 == 0 ? tracker : restarted).observe("order-2", 1, false));
    assertThat(decisions).containsOnlyOnce(Decision.ACCEPT);
  }

  @Test
  void long_subjects_are_tracked_by_their_hash() {
    String subject = "order-" + "9".repeat(400);
    assertThat(tracker.observe(subject, 1, false)).isEqualTo(Decision.ACCEPT);
    assertThat(tracker.observe(subject, 1, false)).isEqualTo(Decision.DUPLICATE);
    assertThat(tracker.observe(subject + "0", 1, false)).isEqualTo(Decision.ACCEPT);
  }
}
