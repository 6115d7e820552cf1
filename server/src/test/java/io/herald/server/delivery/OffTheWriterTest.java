package io.herald.server.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Where an outcome's follow-up runs ({@link Dispatcher#OFF_THE_WRITER}): in place on a virtual thread (the one the
 * write queue starts for a commit's outcomes), and never on a platform thread such as the writer or the HTTP client's.
 */
class OffTheWriterTest {
  @Test
  void a_follow_up_completed_on_a_platform_thread_moves_to_a_virtual_thread() throws Exception {
    CompletableFuture<Thread> ran = new CompletableFuture<>();
    Thread platform = Thread.ofPlatform().start(() -> Dispatcher.OFF_THE_WRITER.execute(
        () -> ran.complete(Thread.currentThread())));
    platform.join(10_000);

    Thread where = ran.get(10, TimeUnit.SECONDS);
    assertThat(where).isNotSameAs(platform);
    assertThat(where.isVirtual()).isTrue();
  }

  @Test
  void a_follow_up_completed_on_a_virtual_thread_runs_there_in_place() throws Exception {
    CompletableFuture<Thread> ran = new CompletableFuture<>();
    Thread[] caller = new Thread[1];
    Thread.startVirtualThread(() -> {
      caller[0] = Thread.currentThread();
      Dispatcher.OFF_THE_WRITER.execute(() -> ran.complete(Thread.currentThread()));
    }).join(10_000);

    assertThat(ran.get(10, TimeUnit.SECONDS)).isSameAs(caller[0]);
  }
}
