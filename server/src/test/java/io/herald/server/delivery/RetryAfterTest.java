package io.herald.server.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RetryAfterTest {
  static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");

  @Test
  void reads_delay_seconds() {
    assertThat(RetryAfter.parse("120", NOW)).contains(Duration.ofSeconds(120));
    assertThat(RetryAfter.parse(" 0 ", NOW)).contains(Duration.ZERO);
  }

  @Test
  void reads_an_http_date() {
    assertThat(RetryAfter.parse("Sun, 22 Nov 2026 12:01:30 GMT", NOW)).contains(Duration.ofSeconds(90));
  }

  @Test
  void a_date_in_the_past_means_now() {
    assertThat(RetryAfter.parse("Sun, 22 Nov 2026 11:00:00 GMT", NOW)).contains(Duration.ZERO);
  }

  @Test
  void ignores_what_it_cannot_read() {
    assertThat(RetryAfter.parse(null, NOW)).isEmpty();
    assertThat(RetryAfter.parse("", NOW)).isEmpty();
    assertThat(RetryAfter.parse("soon", NOW)).isEmpty();
    assertThat(RetryAfter.parse("-5", NOW)).isEmpty();
    assertThat(RetryAfter.parse("99999999999999999999999", NOW)).isEmpty();
  }
}
