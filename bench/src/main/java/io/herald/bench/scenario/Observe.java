package io.herald.bench.scenario;

/**
 * What a saturation window observes besides rates, CPU and latency: PostgreSQL statistics of {@code database}, RSS and
 * heap of {@code memoryPid}, syscalls of {@code syscallPid} (perf), and hooks run as the window opens and closes
 * (the profile pass starts and dumps JFR there). Zero or null switches each off.
 */
record Observe(String database, long memoryPid, long syscallPid, long backlogCap, Hook onStart, Hook onEnd) {
  /** Runs at a window boundary. */
  interface Hook {
    void run() throws java.io.IOException;
  }

  static Observe of(long backlogCap) {
    return new Observe(null, 0, 0, backlogCap, null, null);
  }

  Observe database(String db) {
    return new Observe(db, memoryPid, syscallPid, backlogCap, onStart, onEnd);
  }

  Observe memory(long pid) {
    return new Observe(database, pid, syscallPid, backlogCap, onStart, onEnd);
  }

  Observe syscalls(long pid) {
    return new Observe(database, memoryPid, pid, backlogCap, onStart, onEnd);
  }

  Observe hooks(Hook start, Hook end) {
    return new Observe(database, memoryPid, syscallPid, backlogCap, start, end);
  }
}
