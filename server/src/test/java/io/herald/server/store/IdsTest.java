package io.herald.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class IdsTest {
  private static final String ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

  /** The encoding ids had when they were computed with BigInteger: stored ids must keep sorting the same way. */
  private static String reference(String prefix, long high, long low) {
    BigInteger value = new BigInteger(1, toBytes(high, low));
    char[] out = new char[22];
    for (int i = 21; i >= 0; i--) {
      BigInteger[] qr = value.divideAndRemainder(BigInteger.valueOf(62));
      out[i] = ALPHABET.charAt(qr[1].intValue());
      value = qr[0];
    }
    return prefix + "_" + new String(out);
  }

  private static byte[] toBytes(long high, long low) {
    byte[] b = new byte[16];
    for (int i = 0; i < 8; i++) {
      b[i] = (byte) (high >>> (56 - 8 * i));
      b[8 + i] = (byte) (low >>> (56 - 8 * i));
    }
    return b;
  }

  @Test
  void encodes_exactly_as_the_big_integer_version_did() {
    SplittableRandom random = new SplittableRandom(42);
    List<long[]> cases = new ArrayList<>(List.of(new long[] {0, 0}, new long[] {-1, -1}, new long[] {0, -1},
        new long[] {-1, 0}, new long[] {1L << 63, 1}, new long[] {0xFFFF_FFFF_FFFFL << 16, 0}));
    for (int i = 0; i < 10_000; i++) {
      cases.add(new long[] {random.nextLong(), random.nextLong()});
    }
    for (long[] c : cases) {
      assertThat(Ids.encode("msg", c[0], c[1])).isEqualTo(reference("msg", c[0], c[1]));
    }
  }

  @Test
  void ids_sort_by_creation_time_and_the_lower_bound_sorts_first() {
    long t = 1_763_800_000_000L;
    String bound = Ids.lowerBound("msg", t);
    String earlier = Ids.next("msg", t - 1);
    String same = Ids.next("msg", t);
    String later = Ids.next("msg", t + 1);
    assertThat(earlier).isLessThan(bound);
    assertThat(bound).isLessThanOrEqualTo(same);
    assertThat(same).isLessThan(later);
    assertThat(same).startsWith("msg_").hasSize(4 + 22);
    assertThat(Ids.next("msg", t)).isNotEqualTo(same);
  }

  /** Random bytes are buffered per stripe: across many refills and threads, no id may repeat within a millisecond. */
  @Test
  void ids_made_in_one_millisecond_by_many_threads_never_repeat() throws Exception {
    long t = 1_763_800_000_000L;
    java.util.Set<String> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      threads.add(Thread.ofPlatform().start(() -> {
        for (int n = 0; n < 5_000; n++) {
          seen.add(Ids.next("msg", t));
        }
      }));
    }
    for (Thread thread : threads) {
      thread.join();
    }
    assertThat(seen).hasSize(40_000);
  }

  @Test
  void an_id_gives_back_the_time_it_was_made_with() {
    for (long t : new long[] {0, 1, 1_763_800_000_000L, (1L << 48) - 1}) {
      assertThat(Ids.millisOf(Ids.next("atmpt", t))).isEqualTo(t);
      assertThat(Ids.millisOf(Ids.lowerBound("msg", t))).isEqualTo(t);
    }
    assertThat(Ids.millisOf(Ids.encode("msg", -1L, -1L))).as("every bit set").isEqualTo((1L << 48) - 1);
  }

  @Test
  void a_string_that_is_not_an_id_has_no_time() {
    assertThat(Ids.millisOf("msg_short")).isEqualTo(-1);
    assertThat(Ids.millisOf("no-prefix-at-all-here-xx")).isEqualTo(-1);
    assertThat(Ids.millisOf("msg_" + "-".repeat(22))).isEqualTo(-1);
  }
}
