package io.herald.bench.proc;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Herald as users run it: {@code java -jar server/target/herald.jar serve}, configured by environment, on loopback
 * with an ephemeral port. Optionally under {@code strace} counting fsync/fdatasync calls (with seccomp-bpf, so only
 * those calls stop the process) and with extra JVM flags (a JFR recording).
 */
public final class HeraldProcess extends JavaProcess {
  /** The admin key every benchmark Herald is started with. */
  public static final String API_KEY = "hk_bench_0123456789abcdef0123";
  public static final String AUTH_HEADERS =
      "Authorization: Bearer " + API_KEY + "\r\nContent-Type: application/json\r\n";
  private static final Pattern READY = Pattern.compile("listening on http://[^\\s:]+:(\\d+)");

  private final int port;
  private final long jvmPid;
  private final Map<String, String> settings;

  private HeraldProcess(List<String> command, Map<String, String> env, Path log, boolean traced) throws IOException {
    super("herald", command, env, log);
    this.settings = Map.copyOf(env);
    port = Integer.parseInt(awaitLine(READY, 90_000));
    jvmPid = traced ? process.toHandle().children().findFirst().map(ProcessHandle::pid).orElse(process.pid())
        : process.pid();
  }

  /**
   * Starts Herald and waits until it listens.
   *
   * @param settings HERALD_* settings on top of the harness's base (loopback, port 0, allowlisted loopback)
   * @param strace where to write the fsync trace, or null
   */
  public static HeraldProcess start(Path jar, Map<String, String> settings, List<String> jvmArgs, Path log, Path strace)
      throws IOException {
    Map<String, String> env = new LinkedHashMap<>(baseSettings());
    env.putAll(diagnosticSettings());
    env.putAll(settings);
    List<String> cmd = new ArrayList<>();
    if (strace != null) {
      cmd.addAll(List.of("strace", "-f", "--seccomp-bpf", "-qq", "-e", "signal=none", "-e", "trace=fsync,fdatasync",
          "-y", "-ttt", "-o", strace.toString()));
    }
    List<String> args = new ArrayList<>(jvmArgs);
    args.addAll(diagnosticJvmArgs());
    args.addAll(List.of("-jar", jar.toString(), "serve"));
    cmd.addAll(java(args));
    return new HeraldProcess(cmd, env, log, strace != null);
  }

  /**
   * BENCH_HERALD_JAVA_OPTS, split on spaces: JVM options for every Herald the harness starts, for diagnosis only (a GC
   * or safepoint log, e.g. {@code -Xlog:gc*,safepoint:file=/tmp/herald-gc-%p.log}); a run with them is not a run
   * "as users run it", and the report says so.
   */
  public static List<String> diagnosticJvmArgs() {
    String opts = System.getenv().getOrDefault("BENCH_HERALD_JAVA_OPTS", "").strip();
    return opts.isEmpty() ? List.of() : List.of(opts.split("\\s+"));
  }

  /**
   * BENCH_HERALD_SETTINGS, {@code NAME=value,NAME=value}: HERALD_* settings for every Herald the harness starts, under
   * the scenarios' own (S4's retry schedule, S6's lease), for an experiment such as a larger
   * {@code HERALD_MAX_IN_FLIGHT_PER_ENDPOINT}. Like BENCH_HERALD_JAVA_OPTS, a run with them is not Herald as users run
   * it by default, and the report says so.
   */
  public static Map<String, String> diagnosticSettings() {
    Map<String, String> m = new LinkedHashMap<>();
    String spec = System.getenv().getOrDefault("BENCH_HERALD_SETTINGS", "").strip();
    for (String item : spec.isEmpty() ? new String[0] : spec.split(",")) {
      int eq = item.indexOf('=');
      String name = eq < 0 ? item.strip() : item.substring(0, eq).strip();
      if (eq < 0 || !name.startsWith("HERALD_")) {
        throw new IllegalArgumentException("BENCH_HERALD_SETTINGS: '" + item.strip() + "' is not HERALD_NAME=value;"
            + " write, for example, BENCH_HERALD_SETTINGS=HERALD_MAX_IN_FLIGHT_PER_ENDPOINT=64");
      }
      m.put(name, item.substring(eq + 1).strip());
    }
    return m;
  }

  /** The settings every benchmark Herald shares; everything else is Herald's default. */
  public static Map<String, String> baseSettings() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("HERALD_HOST", "127.0.0.1");
    env.put("HERALD_PORT", "0");
    env.put("HERALD_API_KEY", API_KEY);
    env.put("HERALD_ENDPOINT_ALLOWLIST", "127.0.0.0/8");
    env.put("HERALD_LOG_LEVEL", "WARN");
    return env;
  }

  public int port() {
    return port;
  }

  /** HERALD_DATABASE_URL as started (null on the embedded store). */
  public String databaseUrl() {
    return settings.get("HERALD_DATABASE_URL");
  }

  public Map<String, String> settings() {
    return settings;
  }

  @Override
  public long pid() {
    return jvmPid;
  }

  @Override
  public void kill9() {
    ProcessHandle.of(jvmPid).ifPresent(ProcessHandle::destroyForcibly);
    super.kill9();
  }
}
