package io.herald.bench.proc;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * CPU time per thread group of a process, from {@code /proc/<pid>/task/<tid>/stat}: unlike a Java profiler this also
 * sees the JIT compilers, the garbage collector and time spent in native code (SQLite, fsync). Thread names are
 * grouped by replacing digits ({@code herald-http-12} is {@code herald-http-#}).
 */
public final class ThreadCpu {
  private ThreadCpu() {}

  /** Microseconds of CPU per thread group, now (threads that exited are gone). */
  public static Map<String, Long> snapshot(long pid) {
    Map<String, Long> out = new HashMap<>();
    Path tasks = Path.of("/proc", Long.toString(pid), "task");
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(tasks)) {
      for (Path task : dir) {
        try {
          String stat = Files.readString(task.resolve("stat"));
          String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
          long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
          out.merge(name.replaceAll("\\d+", "#"), Proc.ticksToMicros(ticks), Long::sum);
        } catch (IOException | RuntimeException e) {
          // the thread exited meanwhile
        }
      }
    } catch (IOException e) {
      // the process is gone
    }
    return out;
  }

  /** Per-group CPU between two snapshots, in microseconds. */
  public static Map<String, Long> between(Map<String, Long> a, Map<String, Long> b) {
    Map<String, Long> d = new HashMap<>();
    b.forEach((k, v) -> {
      long delta = v - a.getOrDefault(k, 0L);
      if (delta > 0) {
        d.put(k, delta);
      }
    });
    return d;
  }
}
