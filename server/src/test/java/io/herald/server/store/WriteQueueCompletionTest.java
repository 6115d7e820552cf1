package io.herald.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Collections;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where a write's future completes: a waiting request's on the writer, at once; a commit's background and lazy writes
 * together on one virtual thread, so that what follows them does not run on the writer.
 */
class WriteQueueCompletionTest {
  @TempDir Path dir;
  WriteQueue writes;
  final GroupOp<String, Integer> group = (h, items) -> Collections.nCopies(items.size(), 1);

  @BeforeEach
  void open() {
    writes = new WriteQueue(Jdbi.create("jdbc:sqlite:" + dir.resolve("t.db")), 1);
  }

  @AfterEach
  void close() {
    writes.close();
  }

  @Test
  void a_commits_background_writes_complete_together_off_the_writer() throws Exception {
    CountDownLatch release = HeldWriter.hold(writes);
    CompletableFuture<Thread> urgent = writes.submit(h -> null).thenApply(v -> Thread.currentThread());
    CompletableFuture<Thread> background = writes.submitInBackground(h -> null).thenApply(v -> Thread.currentThread());
    CompletableFuture<Thread> lazy = writes.submitLazily(group, "a").thenApply(v -> Thread.currentThread());
    CompletableFuture<Thread> lazyToo = writes.submitLazily(group, "b").thenApply(v -> Thread.currentThread());
    release.countDown();

    assertThat(urgent.get(10, TimeUnit.SECONDS).getName()).as("a waiting write completes on the writer")
        .startsWith("herald-writer-");
    Thread off = background.get(10, TimeUnit.SECONDS);
    assertThat(off.isVirtual()).as("background writes complete on a virtual thread").isTrue();
    assertThat(lazy.get(10, TimeUnit.SECONDS)).as("the commit's lazy writes on the same one").isSameAs(off);
    assertThat(lazyToo.get(10, TimeUnit.SECONDS)).isSameAs(off);
  }
}
