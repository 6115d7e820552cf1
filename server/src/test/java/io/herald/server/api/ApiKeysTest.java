package io.herald.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ApiKeysTest {
  private static final String KEY = "hk_0123456789abcdefghijklmnop";

  @Test
  void the_key_verifies_every_time_and_nothing_else_does_before_or_after() {
    ApiKeys keys = ApiKeys.init(Optional.of(KEY), null, k -> {});
    assertThat(keys.isAdmin(KEY.replace('9', '8'))).isFalse();
    assertThat(keys.isAdmin(KEY)).isTrue();
    assertThat(keys.isAdmin(new String(KEY.toCharArray()))).as("verified again, now from memory").isTrue();
    assertThat(keys.isAdmin(KEY.replace('9', '8'))).as("same length, one character off").isFalse();
    assertThat(keys.isAdmin(KEY + "x")).isFalse();
    assertThat(keys.isAdmin(KEY.substring(0, KEY.length() - 1))).isFalse();
    assertThat(keys.isAdmin("")).isFalse();
    assertThat(keys.isAdmin(null)).isFalse();
    assertThat(keys.isAdmin(KEY)).isTrue();
  }
}
