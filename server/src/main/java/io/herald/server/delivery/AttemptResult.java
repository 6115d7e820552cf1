package io.herald.server.delivery;

import java.time.Duration;
import java.util.Optional;

/**
 * What one HTTP attempt came to. The dispatcher switches on it; exceptions are reserved for bugs.
 *
 * @see Dispatcher
 */
public sealed interface AttemptResult {
  /** HTTP status (0 when no response arrived). */
  int statusCode();

  /** The start of the response body, or the reason no response arrived. */
  String response();

  long durationMs();

  /** A 2xx answer. */
  record Delivered(int statusCode, String response, long durationMs) implements AttemptResult {}

  /** A 410: the receiver says the endpoint is gone for good, so Herald disables it. */
  record Gone(int statusCode, String response, long durationMs) implements AttemptResult {}

  /**
   * Anything else: a non-2xx status (3xx included, since redirects are never followed), a timeout, a refused or
   * reset connection, or an address the policy blocks. {@code retryAfter} carries a 429/503's Retry-After.
   */
  record Failed(int statusCode, String response, long durationMs, Optional<Duration> retryAfter)
      implements AttemptResult {}
}
