package io.herald.receiver;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A {@link DedupeStore} in this process's memory: bounded in size, with a time-to-live, evicting the least recently
 * used id when full. Thread-safe.
 *
 * <p>Fits a single instance of a service that can afford to forget on restart (a restart then processes retries of
 * messages it had already handled). Several instances, or no tolerance for that, call for {@link JdbcDedupeStore}.
 *
 * <pre>{@code
 * DedupeStore dedupe = new InMemoryDedupeStore(100_000, Duration.ofDays(3));
 * }</pre>
 *
 * @since 0.1
 */
public final class InMemoryDedupeStore implements DedupeStore {
  /** Default bound: 100,000 ids, a few megabytes. */
  public static final int DEFAULT_MAX_ENTRIES = 100_000;

  /** Default time-to-live: three days. Keep it longer than the sender's retry window. */
  public static final Duration DEFAULT_TTL = Duration.ofDays(3);

  private final int maxEntries;
  private final Duration ttl;
  private final Clock clock;
  private final LinkedHashMap<String, Instant> seenAt;

  /** {@link #DEFAULT_MAX_ENTRIES} ids for {@link #DEFAULT_TTL}. */
  public InMemoryDedupeStore() {
    this(DEFAULT_MAX_ENTRIES, DEFAULT_TTL);
  }

  /** At most {@code maxEntries} ids, each for {@code ttl}, on the system clock. */
  public InMemoryDedupeStore(int maxEntries, Duration ttl) {
    this(maxEntries, ttl, Clock.systemUTC());
  }

  /**
   * A store with an explicit clock.
   *
   * @param maxEntries how many ids to keep at most; beyond it the least recently seen one is dropped
   * @param ttl how long an id counts as seen
   * @param clock the time source (inject a fixed or mutable clock in tests)
   */
  public InMemoryDedupeStore(int maxEntries, Duration ttl, Clock clock) {
    if (maxEntries < 1) {
      throw new IllegalArgumentException("maxEntries must be 1 or more, got " + maxEntries);
    }
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("ttl must be positive, got " + ttl);
    }
    this.maxEntries = maxEntries;
    this.ttl = ttl;
    this.clock = Objects.requireNonNull(clock, "clock");
    this.seenAt = new LinkedHashMap<>(16, 0.75f, true) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Instant> eldest) {
        return size() > InMemoryDedupeStore.this.maxEntries;
      }
    };
  }

  @Override
  public synchronized boolean firstSeen(String webhookId) {
    Objects.requireNonNull(webhookId, "webhookId");
    Instant now = clock.instant();
    dropExpiredEldest(now);
    Instant seen = seenAt.get(webhookId); // an access: moves the id to the most recently used end
    if (seen != null && !expired(seen, now)) {
      return false;
    }
    seenAt.put(webhookId, now);
    return true;
  }

  @Override
  public synchronized void forget(String webhookId) {
    seenAt.remove(webhookId);
  }

  /** How many ids are held, expired ones not yet dropped included. */
  public synchronized int size() {
    return seenAt.size();
  }

  private boolean expired(Instant seen, Instant now) {
    return !now.isBefore(seen.plus(ttl));
  }

  /** Cheap cleanup: drops expired ids from the least recently used end, stopping at the first live one. */
  private void dropExpiredEldest(Instant now) {
    Iterator<Instant> it = seenAt.values().iterator();
    while (it.hasNext() && expired(it.next(), now)) {
      it.remove();
    }
  }
}
