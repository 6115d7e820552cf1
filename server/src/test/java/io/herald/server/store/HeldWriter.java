package io.herald.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Keeps a {@link WriteQueue}'s writer busy in a transaction, so that what a test submits meanwhile queues up. */
final class HeldWriter {
  private HeldWriter() {}

  /** Holds the writer until the returned latch is counted down (10 s at most). */
  static CountDownLatch hold(WriteQueue writes) throws InterruptedException {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch busy = new CountDownLatch(1);
    writes.submit(h -> {
      busy.countDown();
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return null;
    });
    assertThat(busy.await(10, TimeUnit.SECONDS)).as("the writer took the holding transaction").isTrue();
    return release;
  }
}
