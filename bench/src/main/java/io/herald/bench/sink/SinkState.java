package io.herald.bench.sink;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Set;
import org.HdrHistogram.Histogram;

/**
 * What the sink has seen since the last reset. Touched only by the sink's selector thread, so nothing is locked.
 *
 * <p>Deliveries are counted per key {@code seq * width + endpoint}: the load generator numbers messages, the path
 * names the endpoint, and the harness compares these counts with what Herald accepted to find losses and
 * duplicates. Latency is the time from the instant the generator meant to send the message (embedded in the
 * payload, CLOCK_MONOTONIC, shared by every process on the machine) to the first delivery of each key.
 */
final class SinkState {
  static final int MAX_ENDPOINTS = 128;
  private static final int MAX_KEYS = 256 * 1024 * 1024;

  int width = 1;
  byte[] counts = new byte[1 << 20];
  int maxKey = -1;
  /** First and latest delivery time per key in ms since reset plus one, only when asked for (S6's redelivery delay). */
  int[] firstAtMs;
  int[] lastAtMs;
  long resetAtNanos = System.nanoTime();

  long unique;
  long duplicates;
  long rejected;
  long raw;
  long badSignature;
  long malformed;
  /** Latency is recorded only for messages meant to be sent at or after this instant (a window's start). */
  long latencyFromNanos = Long.MIN_VALUE;
  final Histogram[] latency = new Histogram[MAX_ENDPOINTS];

  void reset(int width, boolean trackTimes) {
    this.width = Math.max(1, width);
    counts = new byte[1 << 20];
    maxKey = -1;
    firstAtMs = trackTimes ? new int[1 << 20] : null;
    lastAtMs = trackTimes ? new int[1 << 20] : null;
    resetAtNanos = System.nanoTime();
    unique = duplicates = rejected = raw = badSignature = malformed = 0;
    resetLatency();
  }

  void resetLatency() {
    resetLatency(Long.MIN_VALUE);
  }

  void resetLatency(long fromNanos) {
    Arrays.fill(latency, null);
    latencyFromNanos = fromNanos;
  }

  /** Records a 2xx delivery of {@code seq} to {@code endpoint}, sent (intended) at {@code sentNanos}. */
  void delivered(long seq, int endpoint, long sentNanos, long nowNanos) {
    long key = seq * width + endpoint;
    if (seq < 0 || endpoint >= width || key >= MAX_KEYS) {
      malformed++;
      return;
    }
    int k = (int) key;
    if (k >= counts.length) {
      int size = Math.min(MAX_KEYS, Math.max(k + 1, counts.length * 2));
      counts = Arrays.copyOf(counts, size);
      if (firstAtMs != null) {
        firstAtMs = Arrays.copyOf(firstAtMs, size);
        lastAtMs = Arrays.copyOf(lastAtMs, size);
      }
    }
    maxKey = Math.max(maxKey, k);
    byte c = counts[k];
    if (firstAtMs != null) {
      int at = (int) ((nowNanos - resetAtNanos) / 1_000_000) + 1; // 0 means "never"
      if (c == 0) {
        firstAtMs[k] = at;
      }
      lastAtMs[k] = at;
    }
    if (c == 0) {
      unique++;
      if (sentNanos >= latencyFromNanos) {
        Histogram h = latency[endpoint];
        if (h == null) {
          h = latency[endpoint] = new Histogram(3_600_000_000L, 3);
        }
        h.recordValue(Math.max(0, Math.min((nowNanos - sentNanos) / 1000, 3_600_000_000L)));
      }
    } else {
      duplicates++;
    }
    if (c < Byte.MAX_VALUE) {
      counts[k] = (byte) (c + 1);
    }
  }

  String countLine() {
    return unique + " " + duplicates + " " + rejected + " " + raw + " " + badSignature + " " + malformed;
  }

  /** Latency percentiles in microseconds over the endpoints not in {@code exclude} (all when {@code only} < 0). */
  String latencyJson(Set<Integer> exclude, int only) {
    Histogram merged = new Histogram(3_600_000_000L, 3);
    for (int i = 0; i < latency.length; i++) {
      if (latency[i] != null && !exclude.contains(i) && (only < 0 || only == i)) {
        merged.add(latency[i]);
      }
    }
    return "{\"count\":" + merged.getTotalCount()
        + ",\"p50\":" + merged.getValueAtPercentile(50)
        + ",\"p90\":" + merged.getValueAtPercentile(90)
        + ",\"p99\":" + merged.getValueAtPercentile(99)
        + ",\"p999\":" + merged.getValueAtPercentile(99.9)
        + ",\"max\":" + merged.getMaxValue()
        + ",\"mean\":" + Math.round(merged.getMean()) + "}";
  }

  byte[] countsBytes() {
    return Arrays.copyOf(counts, maxKey + 1);
  }

  byte[] timesBytes() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    if (firstAtMs != null) {
      ByteBuffer b = ByteBuffer.allocate((maxKey + 1) * 8);
      for (int i = 0; i <= maxKey; i++) {
        b.putInt(firstAtMs[i]).putInt(lastAtMs[i]);
      }
      out.writeBytes(b.array());
    }
    return out.toByteArray();
  }
}
