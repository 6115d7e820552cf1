package io.herald.server.delivery;

import io.herald.server.endpoint.Endpoint;
import io.herald.server.endpoint.EndpointRepository;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Endpoint settings for the dispatcher, so a delivery does not cost a read. Changes made through this process's API
 * invalidate at once; entries also expire after a few seconds, which bounds how long a change made through another
 * process (several Herald processes on one database) takes to show.
 */
public final class EndpointCache {
  private static final long TTL_MS = 5_000;

  private record Entry(Optional<Endpoint> endpoint, long loadedAt) {}

  private final EndpointRepository endpoints;
  private final Clock clock;
  private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

  public EndpointCache(EndpointRepository endpoints, Clock clock) {
    this.endpoints = endpoints;
    this.clock = clock;
  }

  /** The endpoint, or empty when it was deleted. */
  public Optional<Endpoint> get(String id) {
    long now = clock.millis();
    Entry e = entries.get(id);
    if (e == null || now - e.loadedAt() > TTL_MS) {
      e = new Entry(endpoints.findById(id), now);
      entries.put(id, e);
    }
    return e.endpoint();
  }

  public void invalidate(String id) {
    entries.remove(id);
  }
}
