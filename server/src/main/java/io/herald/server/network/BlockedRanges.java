package io.herald.server.network;

import java.util.List;

/**
 * The address blocks Herald refuses to deliver to unless allowlisted: everything that is not a routable, public,
 * unicast destination. Order matters: the first match names the reason, so narrower blocks come first.
 */
final class BlockedRanges {
  private BlockedRanges() {}

  /** A blocked block and how to describe an address in it ("127.0.0.1 is [a loopback address]"). */
  record Range(Cidr cidr, String description) {}

  static final List<Range> ALL = List.of(
      range("0.0.0.0/8", "an unspecified ('this network') address"),
      range("10.0.0.0/8", "a private address"),
      range("100.64.0.0/10", "a carrier-grade NAT (CGNAT) address"),
      range("127.0.0.0/8", "a loopback address"),
      // Cloud metadata services (169.254.169.254) live here; the classic SSRF target.
      range("169.254.0.0/16", "a link-local address"),
      range("172.16.0.0/12", "a private address"),
      range("192.0.0.0/24", "a reserved (IETF protocol assignments) address"),
      range("192.0.2.0/24", "a documentation address"),
      range("192.88.99.0/24", "a reserved (deprecated 6to4 relay) address"),
      range("192.168.0.0/16", "a private address"),
      range("198.18.0.0/15", "a benchmarking address"),
      range("198.51.100.0/24", "a documentation address"),
      range("203.0.113.0/24", "a documentation address"),
      range("224.0.0.0/4", "a multicast address"),
      range("255.255.255.255/32", "the broadcast address"),
      range("240.0.0.0/4", "a reserved address"),

      range("::/128", "the unspecified address"),
      range("::1/128", "the loopback address"),
      // Local-use NAT64 (RFC 8215): the IPv4 position depends on the operator's prefix length, so block it whole.
      range("64:ff9b:1::/48", "a local-use NAT64 address"),
      range("100::/64", "a discard-only address"),
      range("2001:2::/48", "a benchmarking address"),
      range("2001:10::/28", "a reserved (deprecated ORCHID) address"),
      range("2001:db8::/32", "a documentation address"),
      range("3fff::/20", "a documentation address"),
      range("fc00::/7", "a unique local (ULA) address"),
      range("fe80::/10", "a link-local address"),
      range("fec0::/10", "a reserved (deprecated site-local) address"),
      range("ff00::/8", "a multicast address"));

  private static Range range(String cidr, String description) {
    return new Range(Cidr.parse(cidr), description);
  }
}
