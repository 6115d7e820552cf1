package io.herald.bench.scenario;

import java.io.IOException;
import java.util.Map;

/**
 * Runs a scenario's own load, unmeasured, until Herald's JIT compilers are done with it. The shared Herald is warmed
 * up on S1's path; a scenario that runs other code (fan-out's chunks, retries, timeouts) otherwise has the compilers
 * in its window: 0.2-0.6 of a core in S5's, and 17% of Herald's CPU in S3's fan-out 100 (the window's CPU per
 * delivery counts them).
 */
final class JitWarmUp {
  static final double STEP_SECONDS = 5;
  static final double MAX_SECONDS = 60;
  /** Compilers under this many cores, two steps in a row, count as done. */
  static final double COMPILER_DONE = 0.05;

  private JitWarmUp() {}

  /**
   * Runs {@code step} (a load of {@link #STEP_SECONDS} after the mode's ramp) until the compiler threads of process
   * {@code pid} used under {@link #COMPILER_DONE} of a core in two steps in a row, or {@link #MAX_SECONDS} have passed.
   */
  static Map<String, Object> run(Context ctx, String scenario, long pid, Measure.Window step) throws IOException {
    double stepSeconds = STEP_SECONDS + ctx.mode.rampSeconds();
    double seconds = 0;
    double compilers;
    int quiet = 0;
    do {
      Map<String, Object> m = Measure.withThreadCores(pid, step);
      seconds += stepSeconds;
      compilers = m.get("heraldCoresByThread") instanceof Map<?, ?> cores
          && cores.get("C# CompilerThre") instanceof Number n ? n.doubleValue() : 0;
      // Two quiet steps in a row: compilation comes in waves (S5's retries start a retry interval after the first
      // failures), and one quiet step was followed by 0.2 of a core in the window.
      quiet = compilers < COMPILER_DONE ? quiet + 1 : 0;
    } while (quiet < 2 && seconds < MAX_SECONDS);
    Context.log("  " + scenario + " warm-up: " + Math.round(seconds) + " s, JIT compilers at " + compilers + " cores");
    return Map.of("seconds", seconds, "compilerCoresAtEnd", compilers);
  }
}
