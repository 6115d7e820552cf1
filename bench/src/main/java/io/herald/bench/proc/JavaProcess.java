package io.herald.bench.proc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A child process whose output goes to a log file, started and awaited with deadlines: it is up when a line matching
 * {@code ready} appears, and it is always stopped (SIGTERM, then SIGKILL) when closed. Its standard input stays an
 * open pipe, so children that watch it exit when the harness dies.
 */
public class JavaProcess implements AutoCloseable {
  protected final Process process;
  private final Path log;
  private final String name;

  protected JavaProcess(String name, List<String> command, Map<String, String> env, Path log) throws IOException {
    this.name = name;
    this.log = log;
    Files.createDirectories(log.getParent());
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    // A HERALD_* variable in the shell that started the harness (left from running bin/serve, say) would otherwise
    // reach every Herald it starts: a run would measure settings its report does not show, and an embedded Herald
    // would follow an inherited HERALD_DATABASE_URL to somebody's PostgreSQL. Children get only what they are given.
    pb.environment().keySet().removeIf(variable -> variable.startsWith("HERALD_"));
    pb.environment().putAll(env);
    process = pb.start();
  }

  /** Waits for a log line matching {@code ready} and returns its first group. */
  protected String awaitLine(Pattern ready, long timeoutMs) throws IOException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (System.currentTimeMillis() < deadline) {
      String text = Files.readString(log);
      Matcher m = ready.matcher(text);
      if (m.find()) {
        return m.groupCount() > 0 ? m.group(1) : m.group();
      }
      if (!process.isAlive()) {
        throw new IOException(name + " exited with " + process.exitValue() + " before it was ready; see " + log
            + ":\n" + tail(text));
      }
      sleep(50);
    }
    throw new IOException(name + " was not ready within " + timeoutMs + " ms; see " + log);
  }

  /** The pid of the JVM itself (a child when the process runs under strace). */
  public long pid() {
    return process.pid();
  }

  public Path log() {
    return log;
  }

  public boolean alive() {
    return process.isAlive();
  }

  /** SIGKILL, now. */
  public void kill9() {
    ProcessHandle.of(pid()).ifPresent(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** SIGTERM and up to {@code graceSeconds} to exit, then SIGKILL. */
  public void stop(int graceSeconds) {
    try {
      ProcessHandle.of(pid()).ifPresent(ProcessHandle::destroy);
      if (!process.waitFor(graceSeconds, TimeUnit.SECONDS)) {
        kill9();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      kill9();
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      stop(15);
    }
  }

  static String tail(String text) {
    String[] lines = text.split("\n");
    return String.join("\n", List.of(lines).subList(Math.max(0, lines.length - 20), lines.length));
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** {@code java} of the running JVM, with {@code args}. */
  static List<String> java(List<String> args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(args);
    return cmd;
  }
}
