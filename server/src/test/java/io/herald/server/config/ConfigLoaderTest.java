package io.herald.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {
  @Test
  void defaults_match_the_documented_values() {
    HeraldConfig c = ConfigLoader.load(Map.of());
    assertThat(c.port()).isEqualTo(8080);
    assertThat(c.dataDir().toString()).isEqualTo("./herald-data");
    assertThat(c.apiKey()).isEmpty();
    assertThat(c.embeddedStore()).isTrue();
    assertThat(c.retrySchedule()).containsExactly(Duration.ofSeconds(5), Duration.ofSeconds(300),
        Duration.ofSeconds(1800), Duration.ofSeconds(7200), Duration.ofSeconds(18000), Duration.ofSeconds(36000),
        Duration.ofSeconds(36000));
    assertThat(c.deliveryTimeout()).isEqualTo(Duration.ofSeconds(15));
    assertThat(c.maxRequestBytes()).isEqualTo(1_048_576);
    assertThat(c.headerStyle()).isEqualTo(HeraldConfig.HeaderStyle.WEBHOOK);
    assertThat(c.databaseWriters()).isEqualTo(1);
  }

  @Test
  void writers_must_leave_connections_for_listen_and_reads() {
    assertThat(ConfigLoader.load(Map.of("HERALD_DATABASE_WRITERS", "3", "HERALD_DATABASE_POOL_SIZE", "5"))
        .databaseWriters()).isEqualTo(3);
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("HERALD_DATABASE_WRITERS", "4", "HERALD_DATABASE_POOL_SIZE", "5")))
        .hasMessageContaining("HERALD_DATABASE_WRITERS (4)")
        .hasMessageContaining("HERALD_DATABASE_POOL_SIZE (5)");
  }

  @Test
  void environment_overrides_defaults() {
    HeraldConfig c = ConfigLoader.load(Map.of("HERALD_PORT", "9999", "HERALD_RETRY_SCHEDULE", "0.5, 2",
        "HERALD_SIGNATURE_HEADERS", "svix", "PATH", "/usr/bin"));
    assertThat(c.port()).isEqualTo(9999);
    assertThat(c.retrySchedule()).containsExactly(Duration.ofMillis(500), Duration.ofSeconds(2));
    assertThat(c.headerStyle()).isEqualTo(HeraldConfig.HeaderStyle.SVIX);
  }

  @Test
  void every_bad_setting_is_named_in_one_message() {
    assertThatThrownBy(() -> ConfigLoader.load(Map.of(
            "HERALD_PORT", "eighty",
            "HERALD_RETRY_SCHEDULE", "5,soon",
            "HERALD_ENDPOINT_ALLOWLIST", "10.0.0.0/33",
            "HERALD_SIGNATURE_HEADERS", "stripe",
            "HERALD_DATABASE_URL", "mysql://x",
            "HERALD_API_KEY", "short")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("HERALD_PORT")
        .hasMessageContaining("HERALD_RETRY_SCHEDULE")
        .hasMessageContaining("HERALD_ENDPOINT_ALLOWLIST")
        .hasMessageContaining("HERALD_SIGNATURE_HEADERS")
        .hasMessageContaining("HERALD_DATABASE_URL")
        .hasMessageContaining("HERALD_API_KEY");
  }

  @Test
  void lease_must_outlast_two_delivery_timeouts() {
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("HERALD_LEASE_SECONDS", "20")))
        .hasMessageContaining("HERALD_LEASE_SECONDS");
  }

  @Test
  void database_url_credentials_are_not_echoed() {
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("HERALD_DATABASE_URL", "mysql://user:hunter2@db/x")))
        .hasMessageNotContaining("hunter2");
  }
}
