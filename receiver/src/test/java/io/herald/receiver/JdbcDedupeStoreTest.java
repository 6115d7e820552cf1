package io.herald.receiver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JdbcDedupeStoreTest extends DedupeStoreContract {
  @TempDir Path directory;
  DataSource dataSource;

  @Override
  DedupeStore newStore(MutableClock clock) {
    dataSource = Sqlite.fileDatabase(directory);
    return new JdbcDedupeStore(dataSource, "herald_seen", clock);
  }

  @Test
  void purge_older_than_makes_old_ids_new_again_and_keeps_recent_ones() {
    JdbcDedupeStore jdbc = (JdbcDedupeStore) store;
    jdbc.firstSeen("old");
    clock.advance(Duration.ofDays(8));
    jdbc.firstSeen("recent");

    int purged = jdbc.purgeOlderThan(clock.instant().minus(Duration.ofDays(7)));

    assertThat(purged).isEqualTo(1);
    assertThat(jdbc.firstSeen("old")).isTrue();
    assertThat(jdbc.firstSeen("recent")).isFalse();
  }

  @Test
  void two_instances_on_one_table_share_what_they_have_seen() throws Exception {
    DedupeStore other = new JdbcDedupeStore(dataSource, "herald_seen", clock);
    assertThat(store.firstSeen("msg_1")).isTrue();
    assertThat(other.firstSeen("msg_1")).isFalse();

    List<Boolean> results = Concurrently.run(
        thread -> () -> (thread % 2 == 0 ? store : other).firstSeen("msg_shared_race"));
    assertThat(results).containsOnlyOnce(true);
  }

  @Test
  void creates_the_table_once_and_reuses_an_existing_one() throws Exception {
    store.firstSeen("msg_1");
    DedupeStore again = new JdbcDedupeStore(dataSource, "herald_seen", clock);
    assertThat(again.firstSeen("msg_1")).isFalse();
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement();
        ResultSet rows = s.executeQuery("SELECT webhook_id, seen_at FROM herald_seen")) {
      assertThat(rows.next()).isTrue();
      assertThat(rows.getString(1)).isEqualTo("msg_1");
      assertThat(rows.getLong(2)).isEqualTo(clock.millis());
    }
  }

  @Test
  void refuses_table_names_that_are_not_plain_identifiers() {
    for (String bad : new String[] {"seen; DROP TABLE x", "1seen", "", "a.b.c", "seen-table"}) {
      assertThatIllegalArgumentException().as(bad).isThrownBy(() -> new JdbcDedupeStore(dataSource, bad));
    }
  }
}
