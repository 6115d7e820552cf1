package io.herald.server.store;

import java.security.SecureRandom;

/**
 * Prefixed, time-ordered identifiers ({@code msg_}, {@code ep_}, ...): 48 bits of milliseconds and 80 random bits,
 * base62-encoded to a fixed 22 characters. Fixed width and an ASCII-ordered alphabet make string order equal creation
 * order, so lists page by id. Ids are never built from user input and never contain '.', which the signature scheme
 * forbids in message ids.
 */
public final class Ids {
  private static final char[] ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
  private static final int LENGTH = 22;
  private static final SecureRandom RANDOM = new SecureRandom();
  /** Low 80 bits of the value kept as 16 high bits and 64 low bits (the 48 bits of time sit above them). */
  private static final long MASK_48 = 0xFFFF_FFFF_FFFFL;

  private Ids() {}

  public static String next(String prefix, long epochMillis) {
    long random = RANDOM.nextLong();
    int random16 = RANDOM.nextInt() & 0xFFFF;
    return encode(prefix, ((epochMillis & MASK_48) << 16) | random16, random);
  }

  /**
   * The smallest id of {@code prefix} created at {@code epochMillis}: a bound for time-window queries (retention,
   * recovery), which thus range over primary keys instead of a time index.
   */
  public static String lowerBound(String prefix, long epochMillis) {
    // Clamped, not masked: a bound given as year 999999 must stay above every id, not wrap below them.
    return encode(prefix, Math.clamp(epochMillis, 0, MASK_48) << 16, 0);
  }

  /**
   * Base62 of the 128-bit number {@code high:low}, by long division in 32-bit limbs: the same digits BigInteger
   * gave, without its allocations on every message, delivery and attempt.
   */
  static String encode(String prefix, long high, long low) {
    long[] limbs = {high >>> 32, high & 0xFFFF_FFFFL, low >>> 32, low & 0xFFFF_FFFFL};
    char[] out = new char[prefix.length() + 1 + LENGTH];
    prefix.getChars(0, prefix.length(), out, 0);
    out[prefix.length()] = '_';
    for (int i = out.length - 1; i > prefix.length(); i--) {
      long remainder = 0;
      for (int j = 0; j < limbs.length; j++) {
        long current = (remainder << 32) | limbs[j];
        limbs[j] = current / 62;
        remainder = current % 62;
      }
      out[i] = ALPHABET[(int) remainder];
    }
    return new String(out);
  }
}
