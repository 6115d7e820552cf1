package io.herald.bench.proc;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Diagnostic commands to another JVM: its heap ({@code GC.heap_info}) and JFR control; one attach each. */
public final class Jcmd {
  private static final Pattern HEAP = Pattern.compile("committed (\\d+)K, used (\\d+)K");

  /** Heap used and committed, in bytes. */
  public record Heap(long used, long committed) {}

  private Jcmd() {}

  public static Heap heap(long pid) {
    Matcher m = HEAP.matcher(run(pid, "GC.heap_info"));
    return m.find() ? new Heap(Long.parseLong(m.group(2)) * 1024, Long.parseLong(m.group(1)) * 1024) : new Heap(-1, -1);
  }

  /** Runs a diagnostic command in the JVM {@code pid} and returns its output ("" when it could not). */
  public static String run(long pid, String... command) {
    java.util.List<String> cmd = new java.util.ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString());
    cmd.add(Long.toString(pid));
    cmd.addAll(java.util.List.of(command));
    return Proc.output(Path.of("."), cmd);
  }
}
