package io.herald.server.delivery;

import io.herald.server.endpoint.Endpoint;
import io.herald.server.endpoint.EndpointRepository;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jdbi.v3.core.Handle;

/**
 * Endpoint settings in memory, so neither a delivery nor the fan-out of an ingested message costs a read (both were
 * visible in profiles of the hot path). Changes made through this process's API invalidate at once, before the API
 * answers, so a message posted after an endpoint call returns sees the change. Entries also expire after
 * {@code ttlMs}, which bounds how long a change made through another process (several Herald processes on one
 * PostgreSQL) takes to show there.
 */
public final class EndpointCache {
  private record Entry<T>(T value, long loadedAt) {}

  private final EndpointRepository endpoints;
  private final Clock clock;
  private final long ttlMs;
  private final ConcurrentHashMap<String, Entry<Optional<Endpoint>>> byId = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Entry<List<Endpoint>>> enabledByApp = new ConcurrentHashMap<>();

  public EndpointCache(EndpointRepository endpoints, Clock clock, long ttlMs) {
    this.endpoints = endpoints;
    this.clock = clock;
    this.ttlMs = ttlMs;
  }

  /** The endpoint, or empty when it was deleted. */
  public Optional<Endpoint> get(String id) {
    long now = clock.millis();
    Entry<Optional<Endpoint>> e = byId.get(id);
    if (e == null || now - e.loadedAt() > ttlMs) {
      e = new Entry<>(endpoints.findById(id), now);
      byId.put(id, e);
    }
    return e.value();
  }

  /**
   * The endpoint if it is in memory and fresh, without reading the store; empty when it is not (not cached, expired, or
   * deleted), and then only {@link #get} can tell. For threads that must not wait on a read.
   */
  public Optional<Endpoint> peek(String id) {
    Entry<Optional<Endpoint>> e = byId.get(id);
    return e == null || clock.millis() - e.loadedAt() > ttlMs ? Optional.empty() : e.value();
  }

  /** The application's enabled endpoints; on a miss they are read through {@code h}, inside the caller's transaction. */
  public List<Endpoint> enabledIn(Handle h, String appId) {
    long now = clock.millis();
    Entry<List<Endpoint>> e = enabledByApp.get(appId);
    if (e == null || now - e.loadedAt() > ttlMs) {
      e = new Entry<>(List.copyOf(EndpointRepository.enabledIn(h, appId)), now);
      enabledByApp.put(appId, e);
    }
    return e.value();
  }

  /** An endpoint changed: forget it, and every application's list (changes are rare; lists are cheap to reload). */
  public void invalidate(String id) {
    byId.remove(id);
    enabledByApp.clear();
  }
}
