package io.herald.server.config;

import io.herald.server.network.AddressPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Herald's whole configuration, immutable and validated. Built by {@link ConfigLoader} from
 * {@code herald-defaults.properties} and the environment; docs/configuration.md documents each field.
 */
public record HeraldConfig(
    String host,
    int port,
    Path dataDir,
    String databaseUrl,
    String databaseUser,
    String databasePassword,
    int databasePoolSize,
    int databaseWriters,
    int retentionDays,
    Optional<String> apiKey,
    List<Duration> retrySchedule,
    String endpointAllowlist,
    AddressPolicy addressPolicy,
    HeaderStyle headerStyle,
    Duration deliveryTimeout,
    Duration connectTimeout,
    long maxRequestBytes,
    int responseBodyLimitBytes,
    int maxInFlight,
    int maxInFlightPerEndpoint,
    Duration pollInterval,
    Duration lease) {

  /** Which names the three signature headers carry. */
  public enum HeaderStyle {
    WEBHOOK("webhook-id", "webhook-timestamp", "webhook-signature"),
    SVIX("svix-id", "svix-timestamp", "svix-signature");

    public final String id;
    public final String timestamp;
    public final String signature;

    HeaderStyle(String id, String timestamp, String signature) {
      this.id = id;
      this.timestamp = timestamp;
      this.signature = signature;
    }
  }

  /** Never prints the password. */
  @Override
  public String toString() {
    return "HeraldConfig[port=" + port + ", dataDir=" + dataDir + ", database=" + (embeddedStore() ? "embedded" : "postgresql")
        + "]";
  }

  public boolean embeddedStore() {
    return databaseUrl.isBlank();
  }
}
