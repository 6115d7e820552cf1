package io.herald.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lazy writes wait for company: alone they commit after the gather time, a request's write takes them into its own
 * commit at once, and enough of them commit without waiting. Gather times here are long (seconds) so that the
 * assertions hold on a loaded machine; production waits 2 ms.
 */
class WriteQueueGatherTest {
  @TempDir Path dir;
  WriteQueue writes;

  private void open(Duration gather) throws Exception {
    writes = new WriteQueue(Jdbi.create("jdbc:sqlite:" + dir.resolve("t.db")), 1, gather);
    writes.execute(h -> h.execute("CREATE TABLE t (name TEXT)"));
  }

  @AfterEach
  void close() {
    if (writes != null) {
      writes.close();
    }
  }

  private final GroupOp<String, Integer> insert = (h, names) -> {
    List<Integer> out = new ArrayList<>();
    for (String n : names) {
      out.add(h.execute("INSERT INTO t VALUES (?)", n));
    }
    return out;
  };

  private int rows() {
    return writes.execute(h -> h.createQuery("SELECT count(*) FROM t").mapTo(Integer.class).one());
  }

  @Test
  void a_lazy_write_rides_in_the_next_requests_commit() throws Exception {
    open(Duration.ofSeconds(30));
    long before = writes.commits();
    CompletableFuture<Integer> outcome = writes.submitLazily(insert, "outcome");
    Thread.sleep(300);
    assertThat(outcome).as("alone, a lazy write waits for company").isNotDone();

    writes.execute(h -> h.execute("INSERT INTO t VALUES ('request')"));

    assertThat(outcome.get(5, TimeUnit.SECONDS)).isEqualTo(1);
    assertThat(writes.commits() - before).as("one commit carried both").isEqualTo(1);
    assertThat(rows()).isEqualTo(2);
  }

  /** Only lazy writes wait: a request's write, or a background one, alone commits at once (no linger either). */
  @Test
  void other_writes_alone_commit_at_once() throws Exception {
    open(Duration.ofSeconds(30));
    long start = System.nanoTime();
    writes.execute(h -> h.execute("INSERT INTO t VALUES ('request')"));
    writes.submitInBackground(insert, "background").get(5, TimeUnit.SECONDS);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(300));
    assertThat(rows()).isEqualTo(2);
  }

  @Test
  void alone_a_lazy_write_commits_after_the_gather_time() throws Exception {
    open(Duration.ofMillis(300));
    long start = System.nanoTime();
    writes.submitLazily(insert, "outcome").get(5, TimeUnit.SECONDS);
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(290)).isLessThan(Duration.ofSeconds(3));
    assertThat(rows()).isEqualTo(1);
  }

  @Test
  void enough_lazy_writes_commit_without_waiting() throws Exception {
    open(Duration.ofSeconds(30));
    List<CompletableFuture<Integer>> all = new ArrayList<>();
    for (int i = 0; i < WriteQueue.GATHER_ENOUGH; i++) {
      all.add(writes.submitLazily(insert, "outcome-" + i));
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(5, TimeUnit.SECONDS);
    assertThat(rows()).isEqualTo(WriteQueue.GATHER_ENOUGH);
  }

  @Test
  void closing_the_queue_commits_waiting_lazy_writes() throws Exception {
    open(Duration.ofSeconds(30));
    CompletableFuture<Integer> outcome = writes.submitLazily(insert, "outcome");
    Thread.sleep(100);
    writes.close();
    assertThat(outcome.get(5, TimeUnit.SECONDS)).isEqualTo(1);
    writes = null;
  }
}
