package io.herald.bench.proc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What Linux says about a process, from {@code /proc}: CPU time from {@code /proc/<pid>/stat} (user + system, in
 * clock ticks of 10 ms) and resident memory from {@code /proc/<pid>/status}. Tick resolution is why every CPU figure
 * in the harness is taken over windows of seconds, never per request.
 */
public final class Proc {
  /** USER_HZ: 100 on every Linux this harness targets; checked once with getconf. */
  private static final long TICKS_PER_SECOND = ticksPerSecond();

  private Proc() {}

  /** Clock ticks (as in /proc stat files) to microseconds. */
  public static long ticksToMicros(long ticks) {
    return ticks * 1_000_000 / TICKS_PER_SECOND;
  }

  /** CPU time of {@code pid} (all its threads), plus that of children it has reaped when {@code withReaped}. */
  public static long cpuMicros(long pid, boolean withReaped) {
    String[] f = statFields(pid);
    if (f == null) {
      return 0;
    }
    // Fields after "(comm)": f[0] is field 3 (state); utime is field 14, stime 15, cutime 16, cstime 17.
    long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
    if (withReaped) {
      ticks += Long.parseLong(f[13]) + Long.parseLong(f[14]);
    }
    return ticks * 1_000_000 / TICKS_PER_SECOND;
  }

  /**
   * CPU time of {@code pid} and every live descendant, including what they reaped (PostgreSQL's postmaster reaps
   * its backends, so exited backends still count).
   */
  public static long treeCpuMicros(long pid) {
    long total = cpuMicros(pid, true);
    for (ProcessHandle child : ProcessHandle.of(pid).map(p -> p.descendants().toList()).orElse(List.of())) {
      total += cpuMicros(child.pid(), true);
    }
    return total;
  }

  /** Resident set size in bytes, 0 when the process is gone. */
  public static long rssBytes(long pid) {
    return statusKb(pid, "VmRSS:") * 1024;
  }

  /** Peak resident set size ("high water mark") in bytes. */
  public static long peakRssBytes(long pid) {
    return statusKb(pid, "VmHWM:") * 1024;
  }

  /** RSS of {@code pid} and its live descendants (PostgreSQL shares buffers, so this double-counts shared pages). */
  public static long treeRssBytes(long pid) {
    long total = rssBytes(pid);
    for (ProcessHandle child : ProcessHandle.of(pid).map(p -> p.descendants().toList()).orElse(List.of())) {
      total += rssBytes(child.pid());
    }
    return total;
  }

  private static long statusKb(long pid, String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith(field)) {
          return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
        }
      }
    } catch (IOException | RuntimeException e) {
      // gone
    }
    return 0;
  }

  private static String[] statFields(long pid) {
    return statFields(Path.of("/proc", Long.toString(pid), "stat"));
  }

  /** User and system CPU of the calling thread so far, in microseconds ({@code /proc/thread-self/stat}). */
  public static long[] currentThreadCpuMicros() {
    String[] f = statFields(Path.of("/proc/thread-self/stat"));
    return f == null ? new long[2]
        : new long[] {ticksToMicros(Long.parseLong(f[11])), ticksToMicros(Long.parseLong(f[12]))};
  }

  private static String[] statFields(Path file) {
    try {
      String stat = Files.readString(file);
      return stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static long ticksPerSecond() {
    try {
      return Long.parseLong(output(Path.of("."), List.of("getconf", "CLK_TCK")).trim());
    } catch (NumberFormatException e) {
      return 100;
    }
  }

  /** Runs {@code command} in {@code dir} and returns what it printed (both streams), or "" when it could not run. */
  public static String output(Path dir, List<String> command) {
    try {
      Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
      return out;
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }
}
