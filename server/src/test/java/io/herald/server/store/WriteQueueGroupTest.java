package io.herald.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writes of one {@link GroupOp} that share a commit reach it in one call, each caller gets its own item's result,
 * and an item that fails fails alone, as any write does.
 */
class WriteQueueGroupTest {
  @TempDir Path dir;
  WriteQueue writes;
  /** Every call of the group under test, with the items it got. */
  final List<List<String>> calls = Collections.synchronizedList(new ArrayList<>());
  final GroupOp<String, Integer> insertNames = (h, names) -> {
    calls.add(List.copyOf(names));
    List<Integer> lengths = new ArrayList<>();
    for (String name : names) {
      h.execute("INSERT INTO t VALUES (?)", name);
      lengths.add(name.length());
    }
    return lengths;
  };

  @BeforeEach
  void open() throws Exception {
    writes = new WriteQueue(Jdbi.create("jdbc:sqlite:" + dir.resolve("t.db")), 1);
    writes.execute(h -> h.execute("CREATE TABLE t (name TEXT NOT NULL CHECK (name <> 'bad'))"));
  }

  @AfterEach
  void close() {
    writes.close();
  }

  @Test
  void items_that_share_a_commit_are_written_by_one_call_and_each_gets_its_result() throws Exception {
    CountDownLatch release = HeldWriter.hold(writes);
    CompletableFuture<Integer> a = writes.submit(insertNames, "a");
    CompletableFuture<Object> plain = writes.submit(h -> h.execute("INSERT INTO t VALUES ('plain')"));
    CompletableFuture<Integer> bb = writes.submitInBackground(insertNames, "bb");
    CompletableFuture<Integer> ccc = writes.submit(insertNames, "ccc");
    release.countDown();

    assertThat(a.get(10, TimeUnit.SECONDS)).isEqualTo(1);
    assertThat(bb.get(10, TimeUnit.SECONDS)).isEqualTo(2);
    assertThat(ccc.get(10, TimeUnit.SECONDS)).isEqualTo(3);
    plain.get(10, TimeUnit.SECONDS);
    assertThat(calls).as("urgent items first, then background ones, in one call").containsExactly(
        List.of("a", "ccc", "bb"));
    List<String> rows = writes.execute(h -> h.createQuery("SELECT name FROM t ORDER BY rowid").mapTo(String.class)
        .list());
    assertThat(rows).as("the group is applied where its first item stands").containsExactly("a", "ccc", "bb", "plain");
  }

  @Test
  void an_item_that_fails_fails_alone() throws Exception {
    CountDownLatch release = HeldWriter.hold(writes);
    CompletableFuture<Integer> first = writes.submit(insertNames, "first");
    CompletableFuture<Integer> bad = writes.submit(insertNames, "bad");
    CompletableFuture<Integer> last = writes.submit(insertNames, "last");
    release.countDown();

    assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo(5);
    assertThat(last.get(10, TimeUnit.SECONDS)).isEqualTo(4);
    assertThatThrownBy(() -> bad.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
        .hasMessageContaining("CHECK constraint failed");
    assertThat(calls).as("the shared call rolled back, then each item alone").containsExactly(
        List.of("first", "bad", "last"), List.of("first"), List.of("bad"), List.of("last"));
    List<String> rows = writes.execute(h -> h.createQuery("SELECT name FROM t ORDER BY rowid").mapTo(String.class)
        .list());
    assertThat(rows).containsExactly("first", "last");
  }
}
