package io.herald.bench.report;

import io.herald.bench.proc.Proc;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/** The machine and the versions a run measured, for the report. */
public final class Machine {
  private Machine() {}

  public static Map<String, Object> describe() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("nproc", Runtime.getRuntime().availableProcessors());
    m.put("cpuModel", firstValue(Path.of("/proc/cpuinfo"), "model name"));
    m.put("memoryGB", Math.round(Long.parseLong(firstValue(Path.of("/proc/meminfo"), "MemTotal").split("\\s+")[0])
        / 1048576.0 * 10) / 10.0);
    m.put("kernel", read(Path.of("/proc/sys/kernel/osrelease")));
    m.put("loadAverageAtStart", loadAverage());
    return m;
  }

  public static String loadAverage() {
    String s = read(Path.of("/proc/loadavg"));
    String[] f = s.split(" ");
    return f.length >= 3 ? f[0] + " " + f[1] + " " + f[2] : s;
  }

  /** Versions of what runs: the JDK, Herald and the libraries shaded into its jar, wrk, git. */
  public static Map<String, Object> versions(Path jar, Path repo) {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
    v.put("herald", run(repo, "java", "-jar", jar.toString(), "--version").replace("Herald ", ""));
    v.put("gitCommit", run(repo, "git", "rev-parse", "--short", "HEAD")
        + (run(repo, "git", "status", "--porcelain").isBlank() ? "" : " (uncommitted changes)"));
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      v.put("sqliteJdbc", mavenVersion(zip, "org.xerial", "sqlite-jdbc"));
      v.put("jetty", mavenVersion(zip, "org.eclipse.jetty", "jetty-client"));
      v.put("javalin", mavenVersion(zip, "io.javalin", "javalin"));
    } catch (IOException e) {
      v.put("jarError", e.getMessage());
    }
    String wrk = run(repo, "sh", "-c", "wrk --version 2>&1 | head -1");
    v.put("wrk", wrk.isBlank() ? "not installed" : wrk.split(" \\[")[0]);
    return v;
  }

  private static String mavenVersion(ZipFile zip, String group, String artifact) throws IOException {
    ZipEntry e = zip.getEntry("META-INF/maven/" + group + "/" + artifact + "/pom.properties");
    if (e == null) {
      return "?";
    }
    Properties p = new Properties();
    try (InputStream in = zip.getInputStream(e)) {
      p.load(in);
    }
    return p.getProperty("version", "?");
  }

  private static String firstValue(Path file, String key) {
    try {
      for (String line : Files.readAllLines(file)) {
        if (line.startsWith(key)) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (IOException e) {
      // unknown
    }
    return "?";
  }

  private static String read(Path p) {
    try {
      return Files.readString(p).trim();
    } catch (IOException e) {
      return "?";
    }
  }

  static String run(Path dir, String... cmd) {
    String[] command = cmd.clone();
    if (command[0].equals("java")) {
      command[0] = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
    return Proc.output(dir, java.util.List.of(command)).trim();
  }

}
