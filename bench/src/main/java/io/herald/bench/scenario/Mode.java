package io.herald.bench.scenario;

/**
 * Durations and sizes of one run. Smoke is for development (one repetition, short windows, noisy); full is the
 * published measurement (three repetitions, long windows, S4 at 200k and 500k, S7's ten-minute soak).
 *
 * <p>Every fresh JVM (Herald, the naive baseline) is first warmed up by saturating it until its delivery rate is
 * stable (the JIT compilers are done) or {@code warmMaxSeconds} passed; each scenario window then follows a short
 * ramp of {@code rampSeconds}.
 *
 * <p>{@code s9Seconds}: S9's old history holds this many seconds of traffic at the rate S9 offers (one minute in smoke;
 * in full, what a 10-minute retention pass meets once a Herald runs longer than its retention).
 */
public record Mode(String name, int reps, double rawSeconds, double fsyncSeconds, double pgSeconds,
    double warmMinSeconds, double warmMaxSeconds, double rampSeconds, double s1Seconds, double accountingSeconds,
    double s2Seconds, double s3Seconds, int s4Messages, int s4ScaleMessages, double s5Seconds, double s6Seconds,
    double s6KillSeconds, double s7Seconds, double s8Seconds, double profileSeconds, double s9Seconds) {

  public static Mode smoke() {
    return new Mode("smoke", 1, 4, 2, 2, 15, 30, 2, 6, 0, 5, 5, 20_000, 0, 5, 5, 4, 0, 6, 10, 60);
  }

  public static Mode full() {
    return new Mode("full", 3, 10, 5, 5, 45, 120, 5, 30, 15, 30, 20, 200_000, 500_000, 30, 20, 10, 600, 20, 30, 600);
  }

  public Mode withReps(int n) {
    return new Mode(name, n, rawSeconds, fsyncSeconds, pgSeconds, warmMinSeconds, warmMaxSeconds, rampSeconds,
        s1Seconds, accountingSeconds, s2Seconds, s3Seconds, s4Messages, s4ScaleMessages, s5Seconds, s6Seconds,
        s6KillSeconds, s7Seconds, s8Seconds, profileSeconds, s9Seconds);
  }

  /** Every measurement window (not warm-ups, baselines or S4's sizes) multiplied by {@code f}. */
  public Mode withWindowScale(double f) {
    return new Mode(name, reps, rawSeconds, fsyncSeconds, pgSeconds, warmMinSeconds, warmMaxSeconds, rampSeconds,
        s1Seconds * f, accountingSeconds * f, s2Seconds * f, s3Seconds * f, s4Messages, s4ScaleMessages, s5Seconds * f,
        s6Seconds * f, s6KillSeconds * f, s7Seconds, s8Seconds * f, profileSeconds * f, s9Seconds);
  }

  /** Warm-ups of at least {@code min} and at most {@code max} seconds (the JIT keeps improving for a minute here). */
  public Mode withWarmup(double min, double max) {
    return new Mode(name, reps, rawSeconds, fsyncSeconds, pgSeconds, min, max, rampSeconds,
        s1Seconds, accountingSeconds, s2Seconds, s3Seconds, s4Messages, s4ScaleMessages, s5Seconds, s6Seconds,
        s6KillSeconds, s7Seconds, s8Seconds, profileSeconds, s9Seconds);
  }

  /** S4's backlog sizes: {@code messages} in every repetition and, when above 0, {@code scale} in the first. */
  public Mode withS4(int messages, int scale) {
    return new Mode(name, reps, rawSeconds, fsyncSeconds, pgSeconds, warmMinSeconds, warmMaxSeconds, rampSeconds,
        s1Seconds, accountingSeconds, s2Seconds, s3Seconds, messages, scale, s5Seconds, s6Seconds,
        s6KillSeconds, s7Seconds, s8Seconds, profileSeconds, s9Seconds);
  }

  /** S9's history: {@code seconds} of traffic at its offered rate. */
  public Mode withRetention(double seconds) {
    return new Mode(name, reps, rawSeconds, fsyncSeconds, pgSeconds, warmMinSeconds, warmMaxSeconds, rampSeconds,
        s1Seconds, accountingSeconds, s2Seconds, s3Seconds, s4Messages, s4ScaleMessages, s5Seconds, s6Seconds,
        s6KillSeconds, s7Seconds, s8Seconds, profileSeconds, seconds);
  }

  public Mode withSoak(double seconds) {
    return new Mode(name, reps, rawSeconds, fsyncSeconds, pgSeconds, warmMinSeconds, warmMaxSeconds, rampSeconds,
        s1Seconds, accountingSeconds, s2Seconds, s3Seconds, s4Messages, s4ScaleMessages, s5Seconds, s6Seconds,
        s6KillSeconds, seconds, s8Seconds, profileSeconds, s9Seconds);
  }

  /** Closed-loop connections to Herald's API when saturating it. */
  public int saturationConnections() {
    return 32;
  }

  /**
   * Backlog bound of the closed loop, in deliveries: below Herald's default HERALD_MAX_IN_FLIGHT (1024), so at the
   * sustained rate every delivery takes the in-memory path and the backlog is bounded by construction.
   */
  public long backlogCap() {
    return 1000;
  }

  /** Open-loop connections (enough that a free one is always there at these rates). */
  public int openLoopConnections() {
    return 64;
  }
}
