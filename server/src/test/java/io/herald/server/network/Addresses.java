package io.herald.server.network;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** Test helpers that build addresses from literals without DNS. */
final class Addresses {
  private Addresses() {}

  /** The address as the JDK would hand it over (IPv4-mapped becomes an Inet4Address). */
  static InetAddress ip(String literal) {
    try {
      return InetAddress.getByAddress(bytes(literal));
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  /** Always an Inet6Address, even for IPv4-mapped forms the JDK would normally convert. */
  static Inet6Address ip6(String literal) {
    try {
      return Inet6Address.getByAddress(null, bytes(literal), -1);
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  private static byte[] bytes(String literal) {
    byte[] raw = IpLiterals.parse(literal);
    if (raw == null) {
      throw new AssertionError("not a literal: " + literal);
    }
    return raw;
  }
}
