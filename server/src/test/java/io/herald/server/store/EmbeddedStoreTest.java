package io.herald.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.server.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The durability settings the embedded store's promises rest on. */
class EmbeddedStoreTest {
  @TempDir Path dir;

  @Test
  void commits_are_fsynced_to_a_write_ahead_log_with_foreign_keys_enforced() throws Exception {
    try (Database db = Database.open(ConfigLoader.load(Map.of("HERALD_DATA_DIR", dir.toString())))) {
      assertThat(pragma(db, "journal_mode")).isEqualTo("wal");
      assertThat(pragma(db, "synchronous")).isEqualTo("2"); // FULL: the WAL is fsync'd at every commit
      assertThat(pragma(db, "foreign_keys")).isEqualTo("1");
    }
  }

  /** The writer's statement journals stay in memory, not in files it creates and unlinks in /var/tmp. */
  @Test
  void the_writer_keeps_temporary_data_in_memory() throws Exception {
    try (Database db = Database.open(ConfigLoader.load(Map.of("HERALD_DATA_DIR", dir.toString())))) {
      assertThat(pragma(db, "temp_store")).isEqualTo("2"); // MEMORY
    }
  }

  @Test
  void a_second_process_cannot_open_the_same_data_directory() throws Exception {
    var config = ConfigLoader.load(Map.of("HERALD_DATA_DIR", dir.toString()));
    try (Database first = Database.open(config)) {
      assertThatThrownBy(() -> Database.open(config))
          .hasMessageContaining("another Herald process")
          .hasMessageContaining("HERALD_DATA_DIR");
    }
    Database.open(config).close(); // the lock went with the first
  }

  @Test
  void the_log_stays_bounded_under_continuous_writes() throws Exception {
    try (Database db = Database.open(ConfigLoader.load(Map.of("HERALD_DATA_DIR", dir.toString())))) {
      byte[] payload = new byte[6_000];
      for (int i = 0; i < 3_000; i++) {
        String key = "key-" + i;
        db.writes().execute(h -> h.createUpdate(
                "INSERT INTO idempotency (key, status_code, body, created_at) VALUES (:k, 200, :b, 0)")
            .bind("k", key).bind("b", payload).execute());
      }
      // 3,000 commits of two or more pages each: a log that never restarts would pass 25 MB. A checkpoint run from
      // another thread let it grow like that, then stalled the writer while truncating it.
      assertThat(Files.size(dir.resolve("herald.db-wal"))).isLessThan(12L << 20);
    }
  }

  private static String pragma(Database db, String name) {
    return db.writes().execute(h -> h.createQuery("PRAGMA " + name).mapTo(String.class).one());
  }
}
