package io.herald.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The group commit waits for announced writes, and only for them. A long linger (200 ms here, 1 ms in production)
 * keeps the timing margins wide on a loaded machine.
 */
class WriteQueueLingerTest {
  @TempDir Path dir;
  WriteQueue writes;

  @BeforeEach
  void open() throws Exception {
    writes = new WriteQueue(Jdbi.create("jdbc:sqlite:" + dir.resolve("t.db")), 1, Duration.ofMillis(200));
    writes.execute(h -> null); // the first write opens the connection (and loads SQLite): keep it out of the timings
  }

  @AfterEach
  void close() {
    writes.close();
  }

  /** Applies at once and records when. */
  private CompletableFuture<Long> stamp(AtomicLong at) {
    return writes.submit(h -> {
      at.set(System.nanoTime());
      return at.get();
    });
  }

  @Test
  void an_announced_write_joins_the_batch_that_was_waiting_for_it() throws Exception {
    AtomicLong first = new AtomicLong();
    AtomicLong second = new AtomicLong();
    WriteQueue.Expected coming = writes.expect();
    CompletableFuture<Long> a = stamp(first);
    Thread.sleep(50);
    long submittedSecond = System.nanoTime();
    coming.close();
    CompletableFuture<Long> b = stamp(second);
    a.get(5, TimeUnit.SECONDS);
    b.get(5, TimeUnit.SECONDS);
    assertThat(first.get()).as("the first write ran only once the announced one had arrived")
        .isGreaterThan(submittedSecond);
  }

  @Test
  void with_nothing_announced_a_write_commits_at_once() throws Exception {
    AtomicLong first = new AtomicLong();
    long start = System.nanoTime();
    stamp(first).get(5, TimeUnit.SECONDS);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(150));
  }

  @Test
  void an_announcement_that_never_comes_delays_a_batch_by_the_linger_at_most() throws Exception {
    WriteQueue.Expected never = writes.expect();
    long start = System.nanoTime();
    stamp(new AtomicLong()).get(5, TimeUnit.SECONDS);
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(190)).isLessThan(Duration.ofSeconds(2));
    never.close();
    never.close(); // idempotent: the count must not go negative, or every batch would linger
    long again = System.nanoTime();
    stamp(new AtomicLong()).get(5, TimeUnit.SECONDS);
    assertThat(Duration.ofNanos(System.nanoTime() - again)).isLessThan(Duration.ofMillis(150));
  }
}
