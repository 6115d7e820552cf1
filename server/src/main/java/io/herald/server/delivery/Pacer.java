package io.herald.server.delivery;

/**
 * An endpoint's {@code throttleRate}: at most that many attempts per second, spaced evenly, with a burst of a tenth
 * of a second's worth (GCRA: each attempt moves a theoretical arrival time one interval on; an attempt may start
 * while that time is at most the burst window ahead of now). Not thread-safe: a lane calls it under its own lock.
 * Times are {@link System#nanoTime()} values, passed in so that tests choose them.
 */
final class Pacer {
  private static final long BURST_NANOS = 100_000_000L;

  private long theoreticalArrival = Long.MIN_VALUE;

  /**
   * Takes a slot for one attempt at {@code now} if {@code perSecond} allows it, and answers 0; otherwise answers how
   * many nanoseconds to wait before asking again, and takes nothing. A null or non-positive rate is no limit.
   */
  long acquire(Integer perSecond, long now) {
    if (perSecond == null || perSecond <= 0) {
      return 0;
    }
    long interval = 1_000_000_000L / perSecond;
    long tat = theoreticalArrival == Long.MIN_VALUE ? now : Math.max(theoreticalArrival, now);
    long tolerance = Math.max(0, BURST_NANOS - interval);
    if (tat - now > tolerance) {
      return tat - now - tolerance;
    }
    theoreticalArrival = tat + interval;
    return 0;
  }
}
