package io.herald.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A write somebody waits for does not queue behind background writes: it goes into the next batch first, and a
 * batch takes at most {@link WriteQueue#MAX_BACKGROUND} background writes, so a backlog of outcomes delays an API
 * request by one bounded batch at most. Everything still commits.
 */
class WriteQueuePriorityTest {
  @TempDir Path dir;
  WriteQueue writes;

  @BeforeEach
  void open() throws Exception {
    writes = new WriteQueue(Jdbi.create("jdbc:sqlite:" + dir.resolve("t.db")), 1);
    writes.execute(h -> h.execute("CREATE TABLE t (name TEXT)"));
  }

  @AfterEach
  void close() {
    writes.close();
  }

  @Test
  void a_requests_write_overtakes_queued_background_writes() throws Exception {
    CountDownLatch release = HeldWriter.hold(writes); // while the queue fills

    List<String> committed = Collections.synchronizedList(new ArrayList<>());
    List<CompletableFuture<?>> all = new ArrayList<>();
    int backgroundWrites = 3 * WriteQueue.MAX_BACKGROUND;
    for (int i = 0; i < backgroundWrites; i++) {
      String name = "outcome-" + i;
      all.add(writes.submitInBackground(h -> h.execute("INSERT INTO t VALUES (?)", name))
          .thenRun(() -> committed.add(name)));
    }
    all.add(writes.submit(h -> h.execute("INSERT INTO t VALUES ('request')")).thenRun(() -> committed.add("request")));
    release.countDown();
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);

    assertThat(committed.indexOf("request")).as("committed with the first batch after the busy one, not after "
        + backgroundWrites + " background writes").isLessThanOrEqualTo(WriteQueue.MAX_BACKGROUND);
    assertThat(committed).hasSize(backgroundWrites + 1);
    int rows = writes.execute(h -> h.createQuery("SELECT count(*) FROM t").mapTo(Integer.class).one());
    assertThat(rows).isEqualTo(backgroundWrites + 1);
  }
}
