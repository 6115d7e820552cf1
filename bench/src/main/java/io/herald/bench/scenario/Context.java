package io.herald.bench.scenario;

import io.herald.bench.pg.Postgres;
import io.herald.bench.proc.HeraldApi;
import io.herald.bench.proc.HeraldProcess;
import io.herald.bench.proc.SinkProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** What every scenario of a run shares: the mode, the jar, the sink, PostgreSQL (started on first use), paths. */
public final class Context implements AutoCloseable {
  public final Mode mode;
  public final Path jar;
  public final Path runDir;
  public final String secret;
  public final SinkProcess sink;
  public final String userAgent;
  private Postgres pg;
  private DiskCanary disk;
  private int heralds;

  public Context(Mode mode, Path jar, Path runDir, String secret, String heraldVersion) throws IOException {
    this.mode = mode;
    this.jar = jar;
    this.runDir = runDir;
    this.secret = secret;
    this.userAgent = "Herald/" + heraldVersion;
    Files.createDirectories(runDir);
    // The sink outlives every scenario; its lifetime bounds it even if the harness is killed with SIGKILL.
    this.sink = new SinkProcess(secret, runDir.resolve("logs/sink.log"), 6 * 3600);
  }

  public synchronized Postgres pg() throws IOException {
    if (pg == null) {
      log("starting embedded PostgreSQL");
      pg = new Postgres(runDir.resolve("pg"));
    }
    return pg;
  }

  /** The disk canary, started by the first window that asks (after the baselines, so it does not touch them). */
  synchronized DiskCanary disk() throws IOException {
    if (disk == null) {
      disk = new DiskCanary(runDir);
    }
    return disk;
  }

  public boolean pgStarted() {
    return pg != null;
  }

  /** A fresh Herald: a new data directory or a new PostgreSQL database. */
  public HeraldProcess herald(String label, Store store, Map<String, String> settings, List<String> jvmArgs,
      Path strace) throws IOException {
    Map<String, String> env = new LinkedHashMap<>();
    String name = label + "-" + (++heralds);
    if (store == Store.EMBEDDED) {
      Path data = runDir.resolve("data").resolve(name);
      deleteTree(data);
      env.put("HERALD_DATA_DIR", data.toString());
    } else if (!settings.containsKey("HERALD_DATABASE_URL")) {
      env.put("HERALD_DATABASE_URL", newDatabase("herald"));
    }
    env.putAll(settings);
    return HeraldProcess.start(jar, env, jvmArgs, runDir.resolve("logs").resolve(name + ".log"), strace);
  }

  public String newDatabase(String prefix) throws IOException {
    try {
      return pg().createDatabase(prefix);
    } catch (SQLException e) {
      throw new IOException("cannot create a database: " + e.getMessage(), e);
    }
  }

  /** One application with {@code fanOut} endpoints (sink endpoints 0..fanOut-1). */
  public void setupFanOut(int port, String app, int fanOut) throws IOException {
    try (HeraldApi api = new HeraldApi(port)) {
      api.createApp(app);
      for (int i = 0; i < fanOut; i++) {
        api.createEndpoint(app, "ep-" + i, sink.endpointUrl(i), secret);
      }
    }
  }

  /** {@code apps} applications {@code prefix-i}, each with endpoint {@code ep-0} at sink endpoint i. */
  public void setupRoundRobin(int port, String prefix, int apps) throws IOException {
    try (HeraldApi api = new HeraldApi(port)) {
      for (int i = 0; i < apps; i++) {
        api.createApp(prefix + "-" + i);
        api.createEndpoint(prefix + "-" + i, "ep-0", sink.endpointUrl(i), secret);
      }
    }
  }

  /** Removes the data directories of finished Heralds (they can reach gigabytes over a full run). */
  public void cleanData() {
    deleteTree(runDir.resolve("data"));
  }

  /** Fails the step when a process it measured is gone (crashed, or killed from outside the harness). */
  public static void requireAlive(io.herald.bench.proc.JavaProcess p, String what) {
    if (!p.alive()) {
      throw new IllegalStateException(what + " (pid " + p.pid() + ") exited during the scenario; see " + p.log());
    }
  }

  public static void log(String message) {
    System.out.println(LocalTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss")) + "  " + message);
    System.out.flush();
  }

  public static void sleep(double seconds) {
    try {
      Thread.sleep((long) (seconds * 1000));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    if (disk != null) {
      disk.close();
    }
    sink.close();
    if (pg != null) {
      try {
        pg.close();
      } catch (IOException e) {
        log("stopping PostgreSQL: " + e.getMessage());
      }
    }
  }
}
