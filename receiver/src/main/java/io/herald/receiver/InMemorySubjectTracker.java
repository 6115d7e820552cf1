package io.herald.receiver;

import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link SubjectTracker} in this process's memory. Thread-safe; each subject is updated atomically.
 *
 * <pre>{@code
 * SubjectTracker tracker = new InMemorySubjectTracker();
 * tracker.observe("order-42", 1, false); // ACCEPT
 * tracker.observe("order-42", 5, true);  // ACCEPT, and order-42 has ended
 * tracker.observe("order-42", 6, false); // AFTER_TERMINAL
 * }</pre>
 *
 * <p>Memory grows with the number of subjects: call {@link #purgeOlderThan} now and then. State is lost on restart;
 * use {@link JdbcSubjectTracker} to share it between instances or keep it across restarts.
 *
 * @since 0.1
 */
public final class InMemorySubjectTracker implements SubjectTracker {
  private record State(long last, boolean ended, long previous, boolean previousEnded, Instant updatedAt) {}

  private final ConcurrentHashMap<String, State> states = new ConcurrentHashMap<>();
  private final Clock clock;

  /** A tracker on the system clock. */
  public InMemorySubjectTracker() {
    this(Clock.systemUTC());
  }

  /**
   * A tracker with an explicit clock.
   *
   * @param clock stamps each subject's last update, for {@link #purgeOlderThan}
   */
  public InMemorySubjectTracker(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public Decision observe(String subject, long sequence, boolean terminal) {
    Decision.checkArguments(subject, sequence);
    Decision[] decision = new Decision[1];
    states.compute(subject, (key, state) -> {
      long last = state == null ? 0 : state.last();
      boolean ended = state != null && state.ended();
      decision[0] = Decision.of(last, ended, sequence);
      return decision[0].accepted() ? new State(sequence, terminal, last, ended, clock.instant()) : state;
    });
    return decision[0];
  }

  @Override
  public void forget(String subject, long sequence) {
    states.computeIfPresent(subject, (key, state) -> {
      if (state.last() != sequence) {
        return state;
      }
      if (state.previous() == 0) {
        return null; // it was the subject's first message: back to unknown
      }
      return new State(state.previous(), state.previousEnded(), state.previous(), state.previousEnded(),
          clock.instant());
    });
  }

  /**
   * Drops subjects not updated since {@code cutoff}. A dropped subject starts over: its next message is accepted even
   * if the subject had ended, so only purge subjects you no longer expect messages for.
   *
   * @return how many subjects were dropped
   */
  public int purgeOlderThan(Instant cutoff) {
    int before = states.size();
    states.values().removeIf(state -> state.updatedAt().isBefore(cutoff));
    return Math.max(0, before - states.size());
  }

  /** How many subjects are tracked. */
  public int size() {
    return states.size();
  }
}
