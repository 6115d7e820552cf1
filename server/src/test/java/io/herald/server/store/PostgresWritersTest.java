package io.herald.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.server.config.ConfigLoader;
import io.herald.server.testing.TestPostgres;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** HERALD_DATABASE_WRITERS: that many group-commit writers, and writes from all of them commit. */
class PostgresWritersTest {
  private static long writerThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith("herald-writer-"))
        .count();
  }

  private static Database open(int writers) {
    Map<String, String> env = new HashMap<>(TestPostgres.freshDatabase());
    env.put("HERALD_DATABASE_WRITERS", Integer.toString(writers));
    return Database.open(ConfigLoader.load(env));
  }

  @Test
  void each_configured_writer_runs_and_commits() {
    long before = writerThreads();
    try (Database db = open(3)) {
      assertThat(writerThreads() - before).isEqualTo(3);
      List<CompletableFuture<Integer>> writes = new java.util.ArrayList<>();
      for (int i = 0; i < 300; i++) {
        String key = "key-" + i;
        writes.add(db.writes().submit(h -> h.createUpdate(
                "INSERT INTO idempotency (key, status_code, body, created_at) VALUES (:k, 200, :b, 0)")
            .bind("k", key).bind("b", new byte[] {1}).execute()));
      }
      writes.forEach(CompletableFuture::join);
      int stored = db.reads().withHandle(h -> h.createQuery("SELECT count(*) FROM idempotency").mapTo(Integer.class)
          .one());
      assertThat(stored).isEqualTo(300);
    }
    try (Database db = open(1)) {
      assertThat(writerThreads() - before).as("the default is one writer; the closed database's are gone")
          .isEqualTo(1);
    }
  }
}
