package io.herald.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.server.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The durability settings the embedded store's promises rest on. */
class EmbeddedStoreTest {
  @Test
  void commits_are_fsynced_to_a_write_ahead_log_with_foreign_keys_enforced() throws Exception {
    Path dir = Files.createTempDirectory("herald-store-");
    try (Database db = Database.open(ConfigLoader.load(Map.of("HERALD_DATA_DIR", dir.toString())))) {
      assertThat(pragma(db, "journal_mode")).isEqualTo("wal");
      assertThat(pragma(db, "synchronous")).isEqualTo("2"); // FULL: the WAL is fsync'd at every commit
      assertThat(pragma(db, "foreign_keys")).isEqualTo("1");
    }
  }

  @Test
  void a_second_process_cannot_open_the_same_data_directory() throws Exception {
    Path dir = Files.createTempDirectory("herald-store-");
    var config = ConfigLoader.load(Map.of("HERALD_DATA_DIR", dir.toString()));
    try (Database first = Database.open(config)) {
      assertThatThrownBy(() -> Database.open(config))
          .hasMessageContaining("another Herald process")
          .hasMessageContaining("HERALD_DATA_DIR");
    }
    Database.open(config).close(); // the lock went with the first
  }

  @Test
  void the_log_is_checkpointed_in_the_background_not_by_the_writer() throws Exception {
    Path dir = Files.createTempDirectory("herald-store-");
    try (Database db = Database.open(ConfigLoader.load(Map.of("HERALD_DATA_DIR", dir.toString())))) {
      assertThat(pragma(db, "wal_autocheckpoint")).isEqualTo(String.valueOf(WalCheckpointer.WRITER_AUTOCHECKPOINT_PAGES));
      long before = Files.size(dir.resolve("herald.db"));
      byte[] payload = new byte[4_000];
      for (int batch = 0; batch < 10; batch++) {
        int first = batch * 100;
        db.writes().execute(h -> {
          for (int i = first; i < first + 100; i++) {
            h.createUpdate("INSERT INTO idempotency (key, status_code, body, created_at) VALUES (:k, 200, :b, 0)")
                .bind("k", "key-" + i).bind("b", payload).execute();
          }
          return null;
        });
      }
      // About 4 MB went into the log, far below the writer's own threshold (64 MB): only the background
      // checkpoint moves it into the database file, within a few of its 250 ms rounds.
      long deadline = System.nanoTime() + 5_000_000_000L;
      while (Files.size(dir.resolve("herald.db")) < before + 3_000_000 && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(Files.size(dir.resolve("herald.db"))).isGreaterThan(before + 3_000_000);
    }
  }

  private static String pragma(Database db, String name) {
    return db.writes().execute(h -> h.createQuery("PRAGMA " + name).mapTo(String.class).one());
  }
}
