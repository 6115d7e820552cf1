package io.herald.server.network;

import java.util.Arrays;

/**
 * Finds the IPv4 address inside IPv6 forms that deliver to it: a host, translator or relay on the path turns the
 * IPv6 address back into IPv4, so {@code 64:ff9b::7f00:1} can end up at 127.0.0.1.
 */
final class EmbeddedIpv4 {
  private EmbeddedIpv4() {}

  /** The embedded IPv4 address and the mechanism's name, for the reason text. */
  record Embedded(byte[] ipv4, String mechanism) {}

  private static final byte[] NAT64 = {0x00, 0x64, (byte) 0xff, (byte) 0x9b, 0, 0, 0, 0, 0, 0, 0, 0};

  /** The embedded IPv4 in a 16-byte address, or null if it has none. */
  static Embedded find(byte[] raw) {
    if (raw.length != 16) {
      return null;
    }
    if (zeros(raw, 0, 10) && (raw[10] & raw[11] & 0xff) == 0xff) {
      return new Embedded(tail(raw), "IPv4-mapped");
    }
    if (zeros(raw, 0, 8) && (raw[8] & raw[9] & 0xff) == 0xff && zeros(raw, 10, 12)) {
      return new Embedded(tail(raw), "IPv4-translated");
    }
    // :: and ::1 are the unspecified and loopback addresses, not IPv4-compatible ones.
    if (zeros(raw, 0, 12) && !(zeros(raw, 12, 15) && (raw[15] == 0 || raw[15] == 1))) {
      return new Embedded(tail(raw), "IPv4-compatible");
    }
    if (Arrays.equals(raw, 0, 12, NAT64, 0, 12)) {
      return new Embedded(tail(raw), "NAT64");
    }
    if (raw[0] == 0x20 && raw[1] == 0x02) {
      return new Embedded(Arrays.copyOfRange(raw, 2, 6), "6to4");
    }
    if (raw[0] == 0x20 && raw[1] == 0x01 && raw[2] == 0 && raw[3] == 0) {
      // Teredo stores the client's IPv4 inverted (RFC 4380 section 4) so NATs do not rewrite it.
      byte[] client = tail(raw);
      for (int i = 0; i < 4; i++) {
        client[i] = (byte) ~client[i];
      }
      return new Embedded(client, "Teredo");
    }
    return null;
  }

  private static boolean zeros(byte[] raw, int from, int to) {
    for (int i = from; i < to; i++) {
      if (raw[i] != 0) {
        return false;
      }
    }
    return true;
  }

  private static byte[] tail(byte[] raw) {
    return Arrays.copyOfRange(raw, 12, 16);
  }
}
