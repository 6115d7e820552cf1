package io.herald.server.store;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
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
    Stripe stripe = STRIPES[(int) (Thread.currentThread().threadId() & (STRIPES.length - 1))];
    long random;
    int random16;
    synchronized (stripe) {
      if (stripe.at + 10 > stripe.bytes.length) {
        RANDOM.nextBytes(stripe.bytes);
        stripe.at = 0;
      }
      random = (long) LONG.get(stripe.bytes, stripe.at);
      random16 = (short) SHORT.get(stripe.bytes, stripe.at + 8) & 0xFFFF;
      stripe.at += 10;
    }
    return encode(prefix, ((epochMillis & MASK_48) << 16) | random16, random);
  }

  /**
   * Random bytes fetched 4 KB at a time and handed out 10 per id, each byte once. The JDK's default SecureRandom
   * reads /dev/urandom under one global lock per call: at two ids per delivery, request threads queued on it (7% of
   * their CPU samples in S1's profile). Striped by thread, so concurrent requests rarely share a lock.
   */
  private static final class Stripe {
    final byte[] bytes = new byte[4000];
    int at = bytes.length;
  }

  private static final Stripe[] STRIPES = new Stripe[16];

  static {
    for (int i = 0; i < STRIPES.length; i++) {
      STRIPES[i] = new Stripe();
    }
  }

  private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);

  /**
   * The smallest id of {@code prefix} created at {@code epochMillis}: a bound for time-window queries (retention,
   * recovery), which thus range over primary keys instead of a time index.
   */
  public static String lowerBound(String prefix, long epochMillis) {
    // Clamped, not masked: a bound given as year 999999 must stay above every id, not wrap below them.
    return encode(prefix, Math.clamp(epochMillis, 0, MASK_48) << 16, 0);
  }

  /**
   * The creation time an id carries, in epoch milliseconds, or -1 for a string that is not one of these ids (a
   * retention pass reads how much history it covered from the oldest id it found).
   */
  public static long millisOf(String id) {
    int from = id.indexOf('_') + 1;
    if (from == 0 || id.length() - from != LENGTH) {
      return -1;
    }
    long high = 0; // the value is high * 2^64 + low, read digit by digit with 128-bit multiply-adds
    long low = 0;
    for (int i = from; i < id.length(); i++) {
      int digit = digit(id.charAt(i));
      if (digit < 0) {
        return -1;
      }
      long productLow = low * 62;
      high = high * 62 + Math.unsignedMultiplyHigh(low, 62);
      low = productLow + digit;
      if (Long.compareUnsigned(low, productLow) < 0) {
        high++;
      }
    }
    return high >>> 16;
  }

  private static int digit(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'A' && c <= 'Z') {
      return c - 'A' + 10;
    }
    if (c >= 'a' && c <= 'z') {
      return c - 'a' + 36;
    }
    return -1;
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
