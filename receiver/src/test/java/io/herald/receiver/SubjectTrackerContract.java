package io.herald.receiver;

import static io.herald.receiver.Decision.ACCEPT;
import static io.herald.receiver.Decision.AFTER_TERMINAL;
import static io.herald.receiver.Decision.DUPLICATE;
import static io.herald.receiver.Decision.STALE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every SubjectTracker must do; each implementation's test extends this. */
abstract class SubjectTrackerContract {
  final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  SubjectTracker tracker;

  abstract SubjectTracker newTracker(MutableClock clock);

  @BeforeEach
  void createTracker() {
    tracker = newTracker(clock);
  }

  @Test
  void accepts_increasing_sequences_including_gaps() {
    assertThat(tracker.observe("order-1", 1, false)).isEqualTo(ACCEPT);
    assertThat(tracker.observe("order-1", 4, false)).isEqualTo(ACCEPT);
    assertThat(tracker.observe("order-1", 9, false)).isEqualTo(ACCEPT);
  }

  @Test
  void same_sequence_is_duplicate_and_lower_is_stale() {
    tracker.observe("order-1", 3, false);
    assertThat(tracker.observe("order-1", 3, false)).isEqualTo(DUPLICATE);
    assertThat(tracker.observe("order-1", 2, false)).isEqualTo(STALE);
    assertThat(tracker.observe("order-1", 1, true)).isEqualTo(STALE);
    assertThat(tracker.observe("order-1", 4, false)).isEqualTo(ACCEPT);
  }

  @Test
  void nothing_is_accepted_after_a_terminal_event() {
    tracker.observe("order-1", 1, false);
    assertThat(tracker.observe("order-1", 5, true)).isEqualTo(ACCEPT);
    assertThat(tracker.observe("order-1", 6, false)).isEqualTo(AFTER_TERMINAL);
    assertThat(tracker.observe("order-1", 7, true)).isEqualTo(AFTER_TERMINAL);
    assertThat(tracker.observe("order-1", 5, true)).isEqualTo(DUPLICATE);
    assertThat(tracker.observe("order-1", 4, false)).isEqualTo(STALE);
  }

  @Test
  void a_terminal_first_event_ends_the_subject_at_once() {
    assertThat(tracker.observe("order-1", 3, true)).isEqualTo(ACCEPT);
    assertThat(tracker.observe("order-1", 4, false)).isEqualTo(AFTER_TERMINAL);
  }

  @Test
  void subjects_are_independent() {
    tracker.observe("order-1", 5, true);
    assertThat(tracker.observe("order-2", 1, false)).isEqualTo(ACCEPT);
    assertThat(tracker.observe("order-2", 6, false)).isEqualTo(ACCEPT);
  }

  @Test
  void forget_undoes_the_latest_acceptance_so_the_retry_is_accepted() {
    tracker.observe("order-1", 2, false);
    tracker.observe("order-1", 5, true);
    tracker.forget("order-1", 5);
    assertThat(tracker.observe("order-1", 6, false)).as("no longer ended").isEqualTo(ACCEPT);
    tracker.forget("order-1", 6);
    assertThat(tracker.observe("order-1", 5, true)).as("the retry").isEqualTo(ACCEPT);
    assertThat(tracker.observe("order-1", 6, false)).isEqualTo(AFTER_TERMINAL);
  }

  @Test
  void forget_of_a_first_event_returns_the_subject_to_unknown() {
    tracker.observe("order-1", 3, true);
    tracker.forget("order-1", 3);
    assertThat(tracker.observe("order-1", 1, false)).isEqualTo(ACCEPT);
  }

  @Test
  void forget_after_a_newer_acceptance_changes_nothing() {
    tracker.observe("order-1", 2, false);
    tracker.observe("order-1", 3, false);
    tracker.forget("order-1", 2);
    tracker.forget("order-unknown", 1);
    assertThat(tracker.observe("order-1", 2, false)).isEqualTo(STALE);
    assertThat(tracker.observe("order-1", 3, false)).isEqualTo(DUPLICATE);
  }

  @Test
  void rejects_empty_subjects_and_sequences_below_one() {
    assertThatIllegalArgumentException().isThrownBy(() -> tracker.observe("", 1, false));
    assertThatIllegalArgumentException().isThrownBy(() -> tracker.observe("order-1", 0, false));
  }

  @Test
  void concurrent_observers_of_one_sequence_accept_it_exactly_once() throws Exception {
    for (int round = 1; round <= 10; round++) {
      long sequence = round;
      List<Decision> decisions = Concurrently.run(thread -> () -> tracker.observe("order-race", sequence, false));
      assertThat(decisions).as("round %d", round).containsOnlyOnce(ACCEPT).containsOnly(ACCEPT, DUPLICATE);
    }
  }

  @Test
  void concurrent_first_events_of_a_new_subject_accept_exactly_once() throws Exception {
    for (int round = 0; round < 10; round++) {
      String subject = "order-new-" + round;
      List<Decision> decisions = Concurrently.run(thread -> () -> tracker.observe(subject, 1, false));
      assertThat(decisions).as("round %d", round).containsOnlyOnce(ACCEPT);
    }
  }

  @Test
  void concurrent_shuffled_sequences_never_accept_a_sequence_twice_and_end_at_the_highest() throws Exception {
    int highest = 40;
    List<List<Long>> acceptedPerThread = Concurrently.run(thread -> () -> {
      List<Long> order = new ArrayList<>();
      for (long s = 1; s <= highest; s++) {
        order.add(s);
      }
      Collections.shuffle(order, new Random(thread));
      List<Long> accepted = new ArrayList<>();
      for (long s : order) {
        if (tracker.observe("order-shuffled", s, false).accepted()) {
          accepted.add(s);
        }
      }
      return accepted;
    });
    List<Long> all = new ArrayList<>();
    for (List<Long> accepted : acceptedPerThread) {
      assertThat(accepted).as("one thread's acceptances only go up").isSorted().doesNotHaveDuplicates();
      all.addAll(accepted);
    }
    assertThat(all).as("no sequence accepted twice").doesNotHaveDuplicates().contains((long) highest);
    assertThat(tracker.observe("order-shuffled", highest, false)).isEqualTo(DUPLICATE);
  }
}
