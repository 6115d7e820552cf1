package io.herald.bench;

import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code bench/run [--smoke | --full] [--only S1,S2,...] [--reps N] [--window-scale F] [--warm-up MIN,MAX] [--s4 N[,M]]
 * [--soak SECONDS] [--retention SECONDS] [--no-docs]}: see
 * bench/README.md. The sink and
 * the naive baseline are separate main classes that the harness starts as their own processes.
 */
public final class Main {
  private Main() {}

  /** Parsed command line. */
  record Options(boolean full, Set<String> only, int reps, double windowScale, double[] warmup, int[] s4,
      double soakSeconds, double retentionSeconds, boolean docs, Path root) {}

  public static void main(String[] args) throws Exception {
    boolean full = false;
    Set<String> only = new LinkedHashSet<>();
    int reps = 0;
    double windowScale = 1;
    double[] warmup = null;
    int[] s4 = null;
    double soak = 0;
    double retention = 0;
    boolean docs = true;
    Path root = Path.of(System.getProperty("bench.root", ".")).toAbsolutePath().normalize();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--full" -> full = true;
        case "--smoke" -> full = false;
        case "--only" -> {
          for (String s : args[++i].split(",")) {
            only.add(s.trim().toUpperCase());
          }
        }
        case "--reps" -> reps = Integer.parseInt(args[++i]);
        case "--window-scale" -> windowScale = Double.parseDouble(args[++i]);
        case "--warm-up" -> {
          String[] mm = args[++i].split(",");
          warmup = new double[] {Double.parseDouble(mm[0]), Double.parseDouble(mm[mm.length - 1])};
        }
        case "--s4" -> {
          String[] mm = args[++i].split(",");
          s4 = new int[] {Integer.parseInt(mm[0]), mm.length > 1 ? Integer.parseInt(mm[1]) : 0};
        }
        case "--soak" -> soak = Double.parseDouble(args[++i]);
        case "--retention" -> retention = Double.parseDouble(args[++i]);
        case "--no-docs" -> docs = false;
        case "--report" -> {
          // Writes docs/performance.md from a results file again (after the report changed), without running.
          System.exit(Bench.report(root, Path.of(args[++i]).toAbsolutePath()));
        }
        case "-h", "--help" -> {
          usage();
          return;
        }
        default -> {
          System.err.println("unknown option " + args[i]);
          usage();
          System.exit(64);
        }
      }
    }
    for (String s : only) {
      if (!List.of("S1", "S2", "S3", "S4", "S5", "S6", "S7", "S8", "S9").contains(s)) {
        System.err.println("--only takes S1..S9, got " + s);
        System.exit(64);
      }
    }
    int status = Bench.run(new Options(full, only, reps, windowScale, warmup, s4, soak, retention, docs, root));
    System.exit(status);
  }

  private static void usage() {
    System.out.println("""
        bench/run [--smoke | --full] [--only S1,S2,...] [--reps N] [--window-scale F] [--warm-up MIN,MAX] [--s4 N[,M]]
            [--soak SECONDS] [--retention SECONDS] [--no-docs]
        bench/run --report bench/results/<id>.json
          --smoke   about two minutes of load, one repetition (the default)
          --full    three repetitions, long windows, S4 at 200k and 500k, the ten-minute S7 soak
          --only    run these scenarios (S1 is added when another needs its rate; S2 when S5 needs its p99)
          --reps    override the number of repetitions
          --window-scale  multiply every measurement window by F (warm-ups and baselines unchanged)
          --report  write docs/performance.md from that run's results again, without running anything
          --warm-up MIN,MAX  warm each Herald for MIN to MAX seconds until its rate is stable (smoke 15,30; full 45,120)
          --s4 N,M  S4's backlog: N messages in every repetition, M (optional) once more in the first
          --soak SECONDS  S7's length (full 600; --only S7 in smoke mode 120)
          --retention SECONDS  S9's old history, in seconds of traffic at its rate (smoke 60, full 600)
          --no-docs write bench/results/<id>.json only, leave docs/performance.md alone""");
  }
}
