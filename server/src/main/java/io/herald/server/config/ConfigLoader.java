package io.herald.server.config;

import io.herald.server.network.AddressPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * Reads the defaults file and overlays the environment. Every problem is collected, so one start-up tells the
 * operator about every bad setting at once, each by name.
 */
public final class ConfigLoader {
  private static final String DEFAULTS = "/herald-defaults.properties";

  private final Map<String, String> values;
  private final List<String> problems = new ArrayList<>();

  private ConfigLoader(Map<String, String> values) {
    this.values = values;
  }

  /** The defaults overlaid with {@code overrides} (the process environment, or a test's map). */
  public static HeraldConfig load(Map<String, String> overrides) {
    Map<String, String> merged = new HashMap<>(defaults());
    overrides.forEach((k, v) -> {
      if (k.startsWith("HERALD_") && v != null) {
        merged.put(k, v.trim());
      }
    });
    return new ConfigLoader(merged).build();
  }

  public static Map<String, String> defaults() {
    Properties props = new Properties();
    try (InputStream in = ConfigLoader.class.getResourceAsStream(DEFAULTS)) {
      props.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, String> map = new HashMap<>();
    props.forEach((k, v) -> map.put((String) k, ((String) v).trim()));
    return map;
  }

  private HeraldConfig build() {
    String host = text("HERALD_HOST");
    int port = integer("HERALD_PORT", 0, 65535);
    Path dataDir = Path.of(text("HERALD_DATA_DIR").isBlank() ? "./herald-data" : text("HERALD_DATA_DIR"));
    String databaseUrl = text("HERALD_DATABASE_URL");
    if (!databaseUrl.isBlank() && !databaseUrl.startsWith("jdbc:postgresql:")) {
      problems.add("HERALD_DATABASE_URL must be empty (embedded store) or a jdbc:postgresql:// URL, got '"
          + databaseUrl.replaceAll("//[^@/]*@", "//***@") + "'");
    }
    String dbUser = text("HERALD_DATABASE_USER");
    String dbPassword = text("HERALD_DATABASE_PASSWORD");
    int poolSize = integer("HERALD_DATABASE_POOL_SIZE", 3, 500);
    int writers = integer("HERALD_DATABASE_WRITERS", 1, 16);
    if (writers > poolSize - 2) {
      problems.add("HERALD_DATABASE_WRITERS (" + writers + ") must leave at least two of HERALD_DATABASE_POOL_SIZE ("
          + poolSize + ") connections for LISTEN and reads: lower it or raise the pool size");
    }
    int retentionDays = integer("HERALD_RETENTION_DAYS", 0, 36_500);
    String apiKey = text("HERALD_API_KEY");
    if (!apiKey.isEmpty() && apiKey.length() < 16) {
      problems.add("HERALD_API_KEY must be at least 16 characters (or empty to generate one)");
    }
    List<Duration> schedule = schedule("HERALD_RETRY_SCHEDULE");
    String allowlist = text("HERALD_ENDPOINT_ALLOWLIST");
    AddressPolicy policy = null;
    try {
      policy = AddressPolicy.parse(allowlist);
    } catch (IllegalArgumentException e) {
      problems.add(e.getMessage());
    }
    HeraldConfig.HeaderStyle style = switch (text("HERALD_SIGNATURE_HEADERS").toLowerCase()) {
      case "webhook" -> HeraldConfig.HeaderStyle.WEBHOOK;
      case "svix" -> HeraldConfig.HeaderStyle.SVIX;
      default -> {
        problems.add("HERALD_SIGNATURE_HEADERS must be 'webhook' or 'svix', got '" + text("HERALD_SIGNATURE_HEADERS") + "'");
        yield HeraldConfig.HeaderStyle.WEBHOOK;
      }
    };
    Duration timeout = seconds("HERALD_DELIVERY_TIMEOUT_SECONDS", 1, 300);
    Duration connect = seconds("HERALD_CONNECT_TIMEOUT_SECONDS", 1, 300);
    long maxRequest = integer("HERALD_MAX_REQUEST_BYTES", 1024, 64 * 1024 * 1024);
    int bodyLimit = integer("HERALD_RESPONSE_BODY_LIMIT_BYTES", 0, 1024 * 1024);
    int inFlight = integer("HERALD_MAX_IN_FLIGHT", 1, 100_000);
    int perEndpoint = integer("HERALD_MAX_IN_FLIGHT_PER_ENDPOINT", 1, 10_000);
    Duration poll = Duration.ofMillis(integer("HERALD_POLL_INTERVAL_MS", 10, 60_000));
    Duration lease = seconds("HERALD_LEASE_SECONDS", 5, 86_400);
    if (timeout != null && lease != null && lease.compareTo(timeout.multipliedBy(2)) < 0) {
      problems.add("HERALD_LEASE_SECONDS must be at least twice HERALD_DELIVERY_TIMEOUT_SECONDS, so a delivery in "
          + "flight is never taken over by another process");
    }
    if (!problems.isEmpty()) {
      throw new ConfigException("Invalid configuration:\n  - " + String.join("\n  - ", problems));
    }
    return new HeraldConfig(host, port, dataDir, databaseUrl, dbUser, dbPassword, poolSize, writers, retentionDays, apiKey.isEmpty() ? Optional.empty() : Optional.of(apiKey),
        schedule, allowlist, policy, style, timeout, connect, maxRequest, bodyLimit, inFlight, perEndpoint, poll, lease);
  }

  private String text(String name) {
    return values.getOrDefault(name, "");
  }

  private int integer(String name, int min, int max) {
    String raw = text(name);
    try {
      int v = Integer.parseInt(raw);
      if (v < min || v > max) {
        problems.add(name + " must be between " + min + " and " + max + ", got " + v);
      }
      return v;
    } catch (NumberFormatException e) {
      problems.add(name + " must be a whole number, got '" + raw + "'");
      return min;
    }
  }

  private Duration seconds(String name, int min, int max) {
    return Duration.ofSeconds(integer(name, min, max));
  }

  /** Seconds, comma-separated; decimals allowed (0.5) so tests and demos can use short schedules. */
  private List<Duration> schedule(String name) {
    String raw = text(name);
    List<Duration> out = new ArrayList<>();
    if (raw.isBlank()) {
      return out; // no retries: one attempt only
    }
    for (String part : raw.split(",")) {
      try {
        double s = Double.parseDouble(part.trim());
        if (s < 0 || s > 7 * 86_400) {
          problems.add(name + " entries must be between 0 and 604800 seconds, got " + part.trim());
        } else {
          out.add(Duration.ofMillis(Math.round(s * 1000)));
        }
      } catch (NumberFormatException e) {
        problems.add(name + " must be comma-separated seconds like 5,300,1800, got '" + raw + "'");
        return out;
      }
    }
    if (out.size() > 50) {
      problems.add(name + " allows at most 50 retries, got " + out.size());
    }
    return List.copyOf(out);
  }
}
