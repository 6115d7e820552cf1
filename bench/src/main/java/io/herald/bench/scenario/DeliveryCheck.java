package io.herald.bench.scenario;

import io.herald.bench.load.Load;
import io.herald.bench.load.Routing;
import io.herald.bench.proc.SinkProcess;
import java.io.IOException;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Compares what Herald accepted (every 202, by sequence number) with what the sink received (per message and
 * endpoint). A message accepted and never delivered is lost, and a run with a loss fails whatever its speed; a second
 * delivery of the same message to the same endpoint is a duplicate (allowed by at-least-once, but counted).
 */
public record DeliveryCheck(long expected, long lost, long duplicates, long unacknowledged, long phantom,
    long badSignatures, boolean complete, double waitedSeconds) {

  public boolean lossFree() {
    return lost == 0 && badSignatures == 0;
  }

  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("expectedDeliveries", expected);
    m.put("lost", lost);
    m.put("duplicates", duplicates);
    m.put("deliveredWithoutAcknowledgement", unacknowledged);
    m.put("deliveredButRefused", phantom);
    m.put("badSignatures", badSignatures);
    m.put("drainWaitSeconds", waitedSeconds);
    return m;
  }

  /**
   * Waits until every accepted message reached every endpoint it should (endpoints in {@code exclude} are not
   * checked: S5's broken receiver), or until {@code timeoutSeconds}, then counts.
   */
  public static DeliveryCheck await(SinkProcess sink, Load load, Set<Integer> exclude, double timeoutSeconds)
      throws IOException {
    long start = System.nanoTime();
    long deadline = start + (long) (timeoutSeconds * 1e9);
    DeliveryCheck c;
    while (true) {
      c = count(sink, load, exclude, (System.nanoTime() - start) / 1e9);
      if (c.lost == 0 || System.nanoTime() >= deadline) {
        return c;
      }
      try {
        Thread.sleep(c.lost > 10_000 ? 1000 : 250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return c;
      }
    }
  }

  static DeliveryCheck count(SinkProcess sink, Load load, Set<Integer> exclude, double waited) throws IOException {
    Routing routing = load.routing();
    int width = routing.width();
    BitSet accepted = load.accepted();
    BitSet uncertain = load.uncertain();
    byte[] counts = sink.perKeyCounts();
    long expected = 0;
    long lost = 0;
    long dup = 0;
    long unacked = 0;
    long phantom = 0;
    long maxSeq = Math.max(load.nextSeq(), counts.length / Math.max(1, width) + 1);
    for (long seq = 0; seq < maxSeq; seq++) {
      boolean ok = accepted.get((int) seq);
      for (int ep : routing.endpointsFor(seq)) {
        if (exclude.contains(ep)) {
          continue;
        }
        long key = seq * width + ep;
        int n = key < counts.length ? counts[(int) key] : 0;
        if (ok) {
          expected++;
          if (n == 0) {
            lost++;
          }
        } else if (n > 0) {
          if (uncertain.get((int) seq)) {
            unacked++;
          } else {
            phantom++;
          }
        }
        if (n > 1) {
          dup += n - 1;
        }
      }
    }
    return new DeliveryCheck(expected, lost, dup, unacked, phantom, sink.counts().badSignature(), lost == 0, waited);
  }
}
