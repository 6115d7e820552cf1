package io.herald.bench.scenario;

import io.herald.bench.load.HttpConnection;
import io.herald.bench.load.Load;
import io.herald.bench.load.Routing;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * Polls the sink's counters every few milliseconds on its own connection: the closed loop's backlog cap reads
 * {@link #unique()}, and the time series answers "how fast was it draining when the backlog was N".
 */
public final class Monitor implements AutoCloseable {
  private static final long PERIOD_NANOS = 5_000_000;
  private static final int MAX_POINTS = 2_000_000;

  /** The sink's count of distinct deliveries and of rejected (non-2xx) answers at an instant. */
  public record Point(long nanos, long unique, long rejected) {}

  private final HttpConnection conn;
  private final Thread thread;
  private final List<Point> series = new ArrayList<>();
  private volatile long unique;
  private volatile long rejected;
  private volatile boolean running = true;
  private volatile Runnable onUpdate = () -> { };

  public Monitor(int sinkPort, long maxSeconds) throws IOException {
    conn = new HttpConnection(sinkPort, 30_000);
    long deadline = System.nanoTime() + maxSeconds * 1_000_000_000L;
    thread = Thread.ofPlatform().daemon().name("monitor").start(() -> {
      while (running && System.nanoTime() < deadline) {
        try {
          String[] f = conn.get("/_ctl/count").text().split(" ");
          long now = System.nanoTime();
          unique = Long.parseLong(f[0]);
          rejected = Long.parseLong(f[2]);
          synchronized (series) {
            if (series.size() < MAX_POINTS) {
              series.add(new Point(now, unique, rejected));
            }
          }
          onUpdate.run();
        } catch (IOException | RuntimeException e) {
          return;
        }
        LockSupport.parkNanos(PERIOD_NANOS);
      }
    });
  }

  /** A load generator whose backlog cap reads this monitor's count and is woken by each poll. */
  public Load load(List<Load.Target> targets, Routing routing) {
    Load load = new Load(targets, routing, this::unique);
    onUpdate = load::deliveredAdvanced;
    return load;
  }

  public long unique() {
    return unique;
  }

  public long rejected() {
    return rejected;
  }

  public List<Point> series() {
    synchronized (series) {
      return List.copyOf(series);
    }
  }

  /** The first instant the distinct-delivery count reached {@code n}, or -1. */
  public long timeReached(long n) {
    synchronized (series) {
      for (Point p : series) {
        if (p.unique() >= n) {
          return p.nanos();
        }
      }
    }
    return -1;
  }

  @Override
  public void close() {
    running = false;
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    conn.close();
  }
}
