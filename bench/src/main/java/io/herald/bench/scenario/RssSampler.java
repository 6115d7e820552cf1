package io.herald.bench.scenario;

import io.herald.bench.proc.Proc;
import java.util.concurrent.locks.LockSupport;

/** Samples a process's RSS every 250 ms and keeps the highest value (a read of /proc, nothing attached). */
final class RssSampler implements AutoCloseable {
  private final Thread thread;
  private volatile boolean running = true;
  private volatile long max;

  RssSampler(long pid, double maxSeconds) {
    long deadline = System.nanoTime() + (long) (maxSeconds * 1e9);
    thread = Thread.ofPlatform().daemon().name("rss").start(() -> {
      while (running && System.nanoTime() < deadline) {
        max = Math.max(max, Proc.rssBytes(pid));
        LockSupport.parkNanos(250_000_000L);
      }
    });
  }

  long max() {
    return max;
  }

  @Override
  public void close() {
    running = false;
    try {
      thread.join(2_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
