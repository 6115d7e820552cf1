package io.herald.server.network;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Strict IP literal parsing and formatting that never touches DNS.
 *
 * <p>Warning: {@link InetAddress#getByName} is not a safe literal parser on its own: it reads {@code 0177.0.0.1}
 * as 177.0.0.1 (curl reads 127.0.0.1), accepts {@code 1.2.3} and {@code 2130706433}, and falls back to a DNS lookup
 * for anything it does not recognise. Everything here accepts only unambiguous forms.
 */
final class IpLiterals {
  private IpLiterals() {}

  /** Four decimal numbers 0-255 without leading zeros, or null. */
  static byte[] parseDottedQuad(String text) {
    String[] parts = text.split("\\.", -1);
    if (parts.length != 4) {
      return null;
    }
    byte[] out = new byte[4];
    for (int i = 0; i < 4; i++) {
      String p = parts[i];
      // Leading zeros are rejected because other clients read them as octal.
      if (p.isEmpty() || p.length() > 3 || (p.length() > 1 && p.charAt(0) == '0') || !isAsciiDigits(p)) {
        return null;
      }
      int value = Integer.parseInt(p);
      if (value > 255) {
        return null;
      }
      out[i] = (byte) value;
    }
    return out;
  }

  /** An IPv6 literal without brackets or zone ID, as 16 bytes (IPv4-mapped forms stay 16 bytes), or null. */
  static byte[] parseIpv6(String text) {
    // Only hex digits, ':' and '.' and at least one ':': the JDK then parses it as a literal and never
    // falls back to DNS, because a host containing ':' that fails to parse is rejected outright.
    if (text.isEmpty() || text.indexOf(':') < 0 || !text.chars().allMatch(IpLiterals::isIpv6Char)) {
      return null;
    }
    byte[] raw;
    try {
      raw = InetAddress.getByName(text).getAddress();
    } catch (UnknownHostException e) {
      return null;
    }
    if (raw.length == 4) {
      // The JDK turns ::ffff:a.b.c.d into an Inet4Address; keep the IPv6 form the text asked for.
      byte[] mapped = new byte[16];
      mapped[10] = (byte) 0xff;
      mapped[11] = (byte) 0xff;
      System.arraycopy(raw, 0, mapped, 12, 4);
      return mapped;
    }
    return raw;
  }

  /** A strict dotted quad or an IPv6 literal, or null. */
  static byte[] parse(String text) {
    byte[] v4 = parseDottedQuad(text);
    return v4 != null ? v4 : parseIpv6(text);
  }

  /** Dotted quad for 4 bytes; RFC 5952 compressed lower-case hex for 16 bytes. */
  static String format(byte[] raw) {
    if (raw.length == 4) {
      return (raw[0] & 0xff) + "." + (raw[1] & 0xff) + "." + (raw[2] & 0xff) + "." + (raw[3] & 0xff);
    }
    int[] groups = new int[8];
    for (int i = 0; i < 8; i++) {
      groups[i] = ((raw[2 * i] & 0xff) << 8) | (raw[2 * i + 1] & 0xff);
    }
    int bestStart = -1;
    int bestLength = 1; // RFC 5952: a single zero group is not compressed
    for (int i = 0; i < 8; ) {
      int j = i;
      while (j < 8 && groups[j] == 0) {
        j++;
      }
      if (j - i > bestLength) {
        bestStart = i;
        bestLength = j - i;
      }
      i = j == i ? i + 1 : j;
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        out.append("::");
        i += bestLength - 1;
        continue;
      }
      if (!out.isEmpty() && out.charAt(out.length() - 1) != ':') {
        out.append(':');
      }
      out.append(Integer.toHexString(groups[i]));
    }
    return out.toString();
  }

  private static boolean isAsciiDigits(String s) {
    return s.chars().allMatch(c -> c >= '0' && c <= '9');
  }

  private static boolean isIpv6Char(int c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' || c == '.';
  }
}
