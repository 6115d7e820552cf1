package io.herald.server.store;

import java.math.BigInteger;
import java.security.SecureRandom;

/**
 * Prefixed, time-ordered identifiers ({@code msg_}, {@code ep_}, ...): 48 bits of milliseconds and 80 random bits,
 * base62-encoded to a fixed 22 characters. Fixed width and an ASCII-ordered alphabet make string order equal creation
 * order, so lists page by id. Ids are never built from user input and never contain '.', which the signature scheme
 * forbids in message ids.
 */
public final class Ids {
  private static final char[] ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
  private static final BigInteger BASE = BigInteger.valueOf(62);
  private static final int LENGTH = 22;
  private static final SecureRandom RANDOM = new SecureRandom();

  private Ids() {}

  public static String next(String prefix, long epochMillis) {
    byte[] random = new byte[10];
    RANDOM.nextBytes(random);
    return encode(prefix, millis(epochMillis).or(new BigInteger(1, random)));
  }

  /** The smallest id of {@code prefix} created at {@code epochMillis}: a bound for time-window queries. */
  public static String lowerBound(String prefix, long epochMillis) {
    return encode(prefix, millis(epochMillis));
  }

  private static BigInteger millis(long epochMillis) {
    return BigInteger.valueOf(epochMillis & 0xFFFF_FFFF_FFFFL).shiftLeft(80);
  }

  private static String encode(String prefix, BigInteger value) {
    char[] out = new char[LENGTH];
    for (int i = LENGTH - 1; i >= 0; i--) {
      BigInteger[] qr = value.divideAndRemainder(BASE);
      out[i] = ALPHABET[qr[1].intValue()];
      value = qr[0];
    }
    return prefix + "_" + new String(out);
  }
}
