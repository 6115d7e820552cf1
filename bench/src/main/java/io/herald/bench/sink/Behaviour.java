package io.herald.bench.sink;

import java.util.Arrays;

/** How each endpoint answers: a status and a delay before the answer (S4's outage, S5's failing or slow receiver). */
final class Behaviour {
  private final int[] status = new int[SinkState.MAX_ENDPOINTS];
  private final long[] delayMs = new long[SinkState.MAX_ENDPOINTS];

  Behaviour() {
    reset();
  }

  void reset() {
    Arrays.fill(status, 200);
    Arrays.fill(delayMs, 0);
  }

  void set(int endpoint, int code, long delay) {
    if (endpoint < 0) {
      Arrays.fill(status, code);
      Arrays.fill(delayMs, delay);
    } else {
      status[endpoint] = code;
      delayMs[endpoint] = delay;
    }
  }

  int status(int endpoint) {
    return status[endpoint];
  }

  long delayMs(int endpoint) {
    return delayMs[endpoint];
  }
}
