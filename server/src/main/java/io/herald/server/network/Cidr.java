package io.herald.server.network;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.Objects;

/**
 * An immutable IPv4 or IPv6 address block such as {@code 10.0.0.0/8} or {@code fe80::/10}.
 *
 * <p>IPv4 blocks match only IPv4 addresses and IPv6 blocks only IPv6 addresses. Warning: that means
 * {@code ::ffff:0:0/96} does not match {@code 127.0.0.1}; {@link AddressPolicy} handles IPv4 embedded in IPv6, this
 * class does not. Parsing never touches DNS and accepts only unambiguous literals (no {@code 0177.0.0.1}).
 */
public final class Cidr {
  private final byte[] network;
  private final int prefixLength;

  private Cidr(byte[] network, int prefixLength) {
    this.network = network;
    this.prefixLength = prefixLength;
  }

  /**
   * Parses {@code address/prefix}, or a bare address meaning a single host (/32 or /128).
   *
   * @throws IllegalArgumentException if the text is not a CIDR block, or has bits set after the prefix
   */
  public static Cidr parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("CIDR block is empty; expected something like 10.0.0.0/8 or fd00::/8");
    }
    String trimmed = text.strip();
    int slash = trimmed.indexOf('/');
    String addressText = slash < 0 ? trimmed : trimmed.substring(0, slash);
    byte[] address = IpLiterals.parse(addressText);
    if (address == null) {
      throw new IllegalArgumentException("'" + trimmed + "' is not a CIDR block: '" + addressText
          + "' is not a dotted-quad IPv4 or an IPv6 address; expected something like 10.0.0.0/8 or fd00::/8");
    }
    int max = address.length * 8;
    int prefix = slash < 0 ? max : parsePrefix(trimmed, trimmed.substring(slash + 1), max);
    byte[] masked = mask(address, prefix);
    if (!Arrays.equals(masked, address)) {
      // Rejecting rather than silently masking: "192.168.1.7/16" is more likely a typo than a wish for all of /16.
      throw new IllegalArgumentException("'" + trimmed + "' has address bits set beyond the /" + prefix
          + " prefix; did you mean " + IpLiterals.format(masked) + "/" + prefix + "?");
    }
    return new Cidr(masked, prefix);
  }

  private static int parsePrefix(String whole, String text, int max) {
    if (text.isEmpty() || text.length() > 3 || !text.chars().allMatch(c -> c >= '0' && c <= '9')
        || Integer.parseInt(text) > max) {
      throw new IllegalArgumentException(
          "'" + whole + "' is not a CIDR block: the prefix length must be a number from 0 to " + max);
    }
    return Integer.parseInt(text);
  }

  private static byte[] mask(byte[] address, int prefix) {
    byte[] out = address.clone();
    for (int bit = prefix; bit < out.length * 8; bit++) {
      out[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
    }
    return out;
  }

  /** Whether the address lies in this block; false when the address family differs. */
  public boolean contains(InetAddress address) {
    return contains(address.getAddress());
  }

  /** Raw-byte form, so policy code can test an embedded IPv4 without building an InetAddress. */
  boolean contains(byte[] raw) {
    if (raw.length != network.length) {
      return false;
    }
    int full = prefixLength / 8;
    for (int i = 0; i < full; i++) {
      if (raw[i] != network[i]) {
        return false;
      }
    }
    int rest = prefixLength % 8;
    if (rest == 0) {
      return true;
    }
    int m = (0xff << (8 - rest)) & 0xff;
    return (raw[full] & m) == (network[full] & 0xff);
  }

  /** Number of leading bits that must match. */
  public int prefixLength() {
    return prefixLength;
  }

  /** Whether this is an IPv6 block. */
  public boolean isIpv6() {
    return network.length == 16;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Cidr c && c.prefixLength == prefixLength && Arrays.equals(c.network, network);
  }

  @Override
  public int hashCode() {
    return Objects.hash(Arrays.hashCode(network), prefixLength);
  }

  /** Canonical form, e.g. {@code 10.0.0.0/8} or {@code fe80::/10}. */
  @Override
  public String toString() {
    return IpLiterals.format(network) + "/" + prefixLength;
  }
}
