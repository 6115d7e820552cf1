package io.herald.bench.load;

import java.io.IOException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Posts numbered messages to one or more Herald APIs over keep-alive connections, each a platform thread doing
 * blocking request/response.
 *
 * <p>Two shapes. <b>Open loop</b> at a fixed rate: message k is due at {@code start + k / rate} and carries that
 * instant as its send time, whether or not a connection was free then, so a stall shows up in every latency it
 * causes (no coordinated omission). <b>Closed loop with a backlog cap</b> for saturation: every connection sends
 * as fast as answers come back, but only while fewer than {@code cap} deliveries are accepted and not yet received
 * by the sink; so the backlog cannot grow and the rate measured is one Herald sustains.
 *
 * <p>Every 202 is remembered by sequence number: that is what the sink's counts are checked against.
 */
public final class Load {
  /** A Herald API (or the naive baseline's): its port and the header lines every request carries. */
  public record Target(int port, String headers) {}

  /** One phase of load. {@code rate} > 0 is open loop; otherwise closed loop, gated on {@code backlogCap}. */
  public record Spec(int connections, long durationNanos, double rate, long backlogCap) {
    public static Spec open(int connections, double rate, double seconds) {
      return new Spec(connections, (long) (seconds * 1e9), rate, Long.MAX_VALUE);
    }

    public static Spec closed(int connections, long backlogCap, double seconds) {
      return new Spec(connections, (long) (seconds * 1e9), 0, backlogCap);
    }
  }

  private static final int TIMEOUT_MS = 30_000;

  private final List<Target> targets;
  private final AtomicLongArray dead;
  private final Routing routing;
  private final LongSupplier delivered;
  private final AtomicLong nextSeq = new AtomicLong();
  private final AtomicLong issuedDeliveries = new AtomicLong();
  private final AtomicLong acceptedDeliveries = new AtomicLong();
  private final AtomicLong acceptedMessages = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();
  private final AtomicLong late = new AtomicLong();
  private final BitSet accepted = new BitSet();
  private final BitSet uncertain = new BitSet();
  private final Object gate = new Object();
  private final Recorder ingest = new Recorder(3_600_000_000L, 3);
  private volatile String lastError = "";

  /** @param delivered the sink's count of deliveries received, for the closed loop's backlog cap */
  public Load(List<Target> targets, Routing routing, LongSupplier delivered) {
    this.targets = List.copyOf(targets);
    this.dead = new AtomicLongArray(targets.size());
    this.routing = routing;
    this.delivered = delivered;
  }

  public Routing routing() {
    return routing;
  }

  /** Marks a target as gone (killed), so connections move to the others. */
  public void markDead(int target) {
    dead.set(target, 1);
  }

  /** Starts a phase in the background. */
  public Phase start(Spec spec) {
    return new Phase(spec);
  }

  /** Runs a phase and waits for it. */
  public void run(Spec spec) {
    start(spec).await();
  }

  /** A running phase. */
  public final class Phase {
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicLong slot = new AtomicLong();
    private final long start = System.nanoTime();
    private final long deadline;

    private Phase(Spec spec) {
      deadline = start + spec.durationNanos();
      for (int i = 0; i < spec.connections(); i++) {
        int first = i % targets.size();
        threads.add(Thread.ofPlatform().daemon().name("load-" + i).start(() -> loop(spec, first)));
      }
    }

    public void stop() {
      stop.set(true);
    }

    public void await() {
      for (Thread t : threads) {
        try {
          t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000 + TIMEOUT_MS + 5_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }

    private void loop(Spec spec, int firstTarget) {
      int target = firstTarget;
      HttpConnection conn = null;
      double interval = spec.rate() > 0 ? 1e9 / spec.rate() : 0;
      while (!stop.get() && System.nanoTime() < deadline) {
        long intended;
        if (spec.rate() > 0) {
          intended = start + (long) (slot.getAndIncrement() * interval);
          if (intended >= deadline) {
            return;
          }
          if (!sleepUntil(intended)) {
            return;
          }
          if (System.nanoTime() - intended > 1_000_000) {
            late.incrementAndGet();
          }
        } else {
          if (!awaitRoom(spec.backlogCap())) {
            return;
          }
          intended = System.nanoTime();
        }
        long seq = nextSeq.getAndIncrement();
        int fan = routing.endpointsFor(seq).length;
        issuedDeliveries.addAndGet(fan);
        try {
          if (conn == null) {
            target = alive(target);
            if (target < 0) {
              return;
            }
            conn = new HttpConnection(targets.get(target).port(), TIMEOUT_MS);
          }
          byte[] body = Payloads.messageBody(seq, intended);
          HttpConnection.Response r = conn.exchange(conn.head("POST", "/api/v1/app/" + routing.appFor(seq) + "/msg",
              targets.get(target).headers(), body.length), body);
          ingest.recordValue(Math.min((System.nanoTime() - intended) / 1000, 3_600_000_000L));
          if (r.status() == 202) {
            synchronized (accepted) {
              accepted.set((int) seq);
            }
            acceptedMessages.incrementAndGet();
            acceptedDeliveries.addAndGet(fan);
          } else {
            refused.incrementAndGet();
            issuedDeliveries.addAndGet(-fan);
            lastError = "HTTP " + r.status() + ": " + r.text();
          }
        } catch (IOException | RuntimeException e) {
          errors.incrementAndGet();
          issuedDeliveries.addAndGet(-fan);
          synchronized (accepted) {
            uncertain.set((int) seq); // may or may not have been committed before the connection broke
          }
          lastError = e.toString();
          if (conn != null) {
            conn.close();
            conn = null;
          }
          LockSupport.parkNanos(10_000_000);
          target = (target + 1) % targets.size();
        }
      }
      if (conn != null) {
        conn.close();
      }
    }

    /** Blocks while the backlog is at the cap; woken by {@link #deliveredAdvanced()} (no spinning). */
    private boolean awaitRoom(long cap) {
      synchronized (gate) {
        while (issuedDeliveries.get() - delivered.getAsLong() >= cap) {
          if (stop.get() || System.nanoTime() >= deadline) {
            return false;
          }
          try {
            gate.wait(20);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
          }
        }
      }
      return true;
    }

    private boolean sleepUntil(long when) {
      long now;
      while ((now = System.nanoTime()) < when) {
        if (stop.get()) {
          return false;
        }
        LockSupport.parkNanos(Math.min(when - now, 50_000_000));
      }
      return true;
    }
  }

  /** Called whenever the delivered count may have grown, so closed-loop senders waiting for room re-check. */
  public void deliveredAdvanced() {
    synchronized (gate) {
      gate.notifyAll();
    }
  }

  private int alive(int from) {
    for (int i = 0; i < targets.size(); i++) {
      int t = (from + i) % targets.size();
      if (dead.get(t) == 0) {
        return t;
      }
    }
    return -1;
  }

  /** Ingest latencies (send time to 202) since the previous call, in microseconds. */
  public Histogram ingestInterval() {
    return ingest.getIntervalHistogram();
  }

  public long nextSeq() {
    return nextSeq.get();
  }

  public long acceptedMessages() {
    return acceptedMessages.get();
  }

  public long acceptedDeliveries() {
    return acceptedDeliveries.get();
  }

  public long refused() {
    return refused.get();
  }

  public long errors() {
    return errors.get();
  }

  /** Open-loop sends that left more than 1 ms after their due time (the generator could not keep up). */
  public long late() {
    return late.get();
  }

  public String lastError() {
    return lastError;
  }

  public BitSet accepted() {
    synchronized (accepted) {
      return (BitSet) accepted.clone();
    }
  }

  public BitSet uncertain() {
    synchronized (accepted) {
      return (BitSet) uncertain.clone();
    }
  }
}
