package io.herald.bench.proc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Counts a process's fsync, fdatasync and pwrite64 calls over a window with {@code perf stat} on the syscall
 * tracepoints: counted in the kernel, nothing stops the process, so the window it measures is undisturbed. Absent
 * when perf or the tracepoints are not available (the report then says "not measured").
 */
public final class SyscallCounter implements AutoCloseable {
  private static final List<String> EVENTS = List.of("syscalls:sys_enter_fsync", "syscalls:sys_enter_fdatasync",
      "syscalls:sys_enter_pwrite64");
  private static Boolean available;

  private final Process perf;
  private final Path out;

  private SyscallCounter(long pid, double seconds, Path out) throws IOException {
    this.out = out;
    perf = new ProcessBuilder("perf", "stat", "-x", ",", "-e", String.join(",", EVENTS), "-p", Long.toString(pid),
        "--", "sleep", String.format("%.2f", seconds)).redirectErrorStream(true).redirectOutput(out.toFile()).start();
  }

  /** Starts counting now, for {@code seconds}; null when perf cannot count syscalls here. */
  public static SyscallCounter start(long pid, double seconds, Path out) {
    if (!available(out.getParent())) {
      return null;
    }
    try {
      return new SyscallCounter(pid, seconds, out);
    } catch (IOException e) {
      return null;
    }
  }

  /** Waits for the window to end and returns the counts by syscall name ({@code fsync}, ...). */
  public Map<String, Long> counts() throws IOException {
    try {
      if (!perf.waitFor(30, TimeUnit.SECONDS)) {
        perf.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Map<String, Long> m = new LinkedHashMap<>();
    for (String line : Files.readAllLines(out)) {
      String[] f = line.split(",");
      if (f.length >= 3 && f[2].startsWith("syscalls:sys_enter_")) {
        m.put(f[2].substring("syscalls:sys_enter_".length()), f[0].matches("\\d+") ? Long.parseLong(f[0]) : 0L);
      }
    }
    return m;
  }

  @Override
  public void close() {
    perf.destroyForcibly();
  }

  private static synchronized boolean available(Path dir) {
    if (available == null) {
      try {
        Files.createDirectories(dir);
        Path probe = dir.resolve("perf-probe.txt");
        Process p = new ProcessBuilder("perf", "stat", "-x", ",", "-e", EVENTS.get(0), "--", "true")
            .redirectErrorStream(true).redirectOutput(probe.toFile()).start();
        available = p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0
            && Files.readString(probe).contains("sys_enter_fsync");
      } catch (IOException e) {
        available = false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        available = false;
      }
    }
    return available;
  }
}
