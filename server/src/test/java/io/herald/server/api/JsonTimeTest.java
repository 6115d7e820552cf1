package io.herald.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class JsonTimeTest {
  private static final DateTimeFormatter REFERENCE =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX").withZone(ZoneOffset.UTC);

  @Test
  void formats_exactly_like_the_date_time_formatter() {
    SplittableRandom random = new SplittableRandom(7);
    long[] edges = {0, 1, 999, 1000, -1, -1000, 1_710_428_150_094L, 253_402_300_799_999L, 951_782_400_000L};
    for (long t : edges) {
      assertThat(Json.time(t)).isEqualTo(REFERENCE.format(Instant.ofEpochMilli(t)));
    }
    for (int i = 0; i < 20_000; i++) {
      long t = random.nextLong(-2_000_000_000_000L, 253_402_300_799_999L);
      assertThat(Json.time(t)).isEqualTo(REFERENCE.format(Instant.ofEpochMilli(t)));
    }
    assertThat(Json.time(1_710_428_150_094L)).isEqualTo("2024-03-14T14:55:50.094Z");
  }
}
