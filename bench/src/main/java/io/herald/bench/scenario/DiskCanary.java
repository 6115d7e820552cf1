package io.herald.bench.scenario;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * Times a 4 kB write and its fdatasync on the run directory's file system every 50 ms, from the first window on, so
 * that each latency window can say whether the disk itself stalled in it. Every commit of Herald's (and of
 * PostgreSQL's) waits for such a sync. On the shared VMs this runs on, one that usually takes under a millisecond
 * sometimes takes 50-500 ms (the twelfth session's S2 spike of 134 ms came with a 115 ms canary sync). At 20 syncs a
 * second it adds well under 1% to the disk's sync load (the fsync baseline here is 6,000-10,000 a second).
 */
final class DiskCanary implements AutoCloseable {
  private static final long PERIOD_NANOS = 50_000_000L;
  /** A stall worth counting: far beyond a healthy sync, and beyond S2's p99 target. */
  private static final long SLOW_NANOS = 50_000_000L;

  private final FileChannel file;
  private final Thread thread;
  private long[] starts = new long[4096];
  private long[] durations = new long[4096];
  private int n;
  private volatile boolean running = true;

  DiskCanary(Path dir) throws IOException {
    file = FileChannel.open(dir.resolve("disk-canary"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    thread = Thread.ofPlatform().daemon().name("disk-canary").start(this::loop);
  }

  private void loop() {
    ByteBuffer block = ByteBuffer.allocateDirect(4096);
    long next = System.nanoTime();
    while (running) {
      try {
        block.clear();
        long start = System.nanoTime();
        file.write(block, 0);
        file.force(false);
        record(start, System.nanoTime() - start);
      } catch (IOException e) {
        if (running) { // not when close() shut the file under a sync
          Context.log("disk canary stopped: " + e);
        }
        return;
      }
      next += PERIOD_NANOS;
      long wait = next - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      } else {
        next = System.nanoTime(); // a stall: start the period again rather than sync back to back to catch up
      }
    }
  }

  private synchronized void record(long start, long duration) {
    if (n == starts.length) {
      starts = Arrays.copyOf(starts, n * 2);
      durations = Arrays.copyOf(durations, n * 2);
    }
    starts[n] = start;
    durations[n] = duration;
    n++;
  }

  /**
   * The canary's syncs that overlapped {@code [from, to)} (System.nanoTime): how many, the longest, and how many took
   * over 50 ms. A sync still running at {@code to} is not counted, so a stall at a window's very end can be missed.
   */
  synchronized Map<String, Object> between(long from, long to) {
    long count = 0;
    long max = 0;
    long slow = 0;
    for (int i = 0; i < n; i++) {
      long end = starts[i] + durations[i];
      if (starts[i] < to && end > from) {
        count++;
        max = Math.max(max, durations[i]);
        if (durations[i] > SLOW_NANOS) {
          slow++;
        }
      }
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("syncs", count);
    m.put("maxMs", Snapshot.round(max / 1e6, 1));
    m.put("over50ms", slow);
    return m;
  }

  @Override
  public void close() {
    running = false;
    LockSupport.unpark(thread); // not interrupt(): that would close the channel under a running sync
    try {
      thread.join(2_000);
      file.close();
    } catch (IOException | InterruptedException e) {
      Context.log("closing the disk canary: " + e.getMessage());
    }
  }
}
