package io.herald.server.delivery;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.DoubleSupplier;

/**
 * When to try a failed delivery again.
 *
 * <p>The default schedule is Svix's: the first attempt is immediate, then retries follow after 5 s, 5 min, 30 min,
 * 2 h, 5 h, 10 h and 10 h: 8 attempts spread over about 27.6 hours, enough to ride out a receiver's weekend outage
 * without hammering it. Each delay is jittered by ±20% so that endpoints that failed together (a receiver's outage
 * fails every message at once) do not retry together.
 *
 * <p>A {@code Retry-After} answer (429 or 503) can push the next attempt later, up to twice the scheduled delay, but
 * never earlier: a receiver cannot talk Herald into a retry storm, and a hostile one cannot park a delivery for a
 * year.
 */
public final class RetryPolicy {
  static final double JITTER = 0.2;

  private final List<Duration> schedule;
  private final DoubleSupplier random;

  /** {@code random} returns values in [0, 1); tests pass a fixed one. */
  public RetryPolicy(List<Duration> schedule, DoubleSupplier random) {
    this.schedule = List.copyOf(schedule);
    this.random = random;
  }

  /** Attempts allowed in all: the immediate one plus one per schedule entry. */
  public int maxAttempts() {
    return schedule.size() + 1;
  }

  /**
   * The delay before the next attempt, after {@code attemptsMade} attempts have failed, or empty when the schedule is
   * exhausted and the delivery has failed for good.
   */
  public Optional<Duration> nextDelay(int attemptsMade, Optional<Duration> retryAfter) {
    if (attemptsMade < 1 || attemptsMade > schedule.size()) {
      return Optional.empty();
    }
    Duration scheduled = schedule.get(attemptsMade - 1);
    long jittered = Math.round(scheduled.toMillis() * (1 - JITTER + 2 * JITTER * random.getAsDouble()));
    Duration delay = Duration.ofMillis(Math.max(0, jittered));
    if (retryAfter.isPresent()) {
      Duration asked = retryAfter.get();
      Duration ceiling = scheduled.multipliedBy(2);
      if (asked.compareTo(delay) > 0) {
        delay = asked.compareTo(ceiling) > 0 ? ceiling : asked;
      }
    }
    return Optional.of(delay);
  }
}
