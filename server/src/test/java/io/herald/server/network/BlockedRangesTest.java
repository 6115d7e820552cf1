package io.herald.server.network;

import static io.herald.server.network.Addresses.ip;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class BlockedRangesTest {
  private static final AddressPolicy POLICY = AddressPolicy.blockPrivate();

  /** Block, first address, last address, word the reason must use, and unblocked neighbours ("" when none). */
  static Stream<Arguments> ranges() {
    return Stream.of(
        Arguments.of("0.0.0.0/8", "0.0.0.0", "0.255.255.255", "unspecified", "", "1.0.0.0"),
        Arguments.of("10.0.0.0/8", "10.0.0.0", "10.255.255.255", "private", "9.255.255.255", "11.0.0.0"),
        Arguments.of("100.64.0.0/10", "100.64.0.0", "100.127.255.255", "CGNAT", "100.63.255.255", "100.128.0.0"),
        Arguments.of("127.0.0.0/8", "127.0.0.0", "127.255.255.255", "loopback", "126.255.255.255", "128.0.0.0"),
        Arguments.of("169.254.0.0/16", "169.254.0.0", "169.254.255.255", "link-local", "169.253.255.255",
            "169.255.0.0"),
        Arguments.of("172.16.0.0/12", "172.16.0.0", "172.31.255.255", "private", "172.15.255.255", "172.32.0.0"),
        Arguments.of("192.0.0.0/24", "192.0.0.0", "192.0.0.255", "reserved", "191.255.255.255", "192.0.1.0"),
        Arguments.of("192.0.2.0/24", "192.0.2.0", "192.0.2.255", "documentation", "192.0.1.255", "192.0.3.0"),
        Arguments.of("192.88.99.0/24", "192.88.99.0", "192.88.99.255", "6to4", "192.88.98.255", "192.88.100.0"),
        Arguments.of("192.168.0.0/16", "192.168.0.0", "192.168.255.255", "private", "192.167.255.255",
            "192.169.0.0"),
        Arguments.of("198.18.0.0/15", "198.18.0.0", "198.19.255.255", "benchmarking", "198.17.255.255",
            "198.20.0.0"),
        Arguments.of("198.51.100.0/24", "198.51.100.0", "198.51.100.255", "documentation", "198.51.99.255",
            "198.51.101.0"),
        Arguments.of("203.0.113.0/24", "203.0.113.0", "203.0.113.255", "documentation", "203.0.112.255",
            "203.0.114.0"),
        Arguments.of("224.0.0.0/4", "224.0.0.0", "239.255.255.255", "multicast", "223.255.255.255", ""),
        Arguments.of("255.255.255.255/32", "255.255.255.255", "255.255.255.255", "broadcast", "", ""),
        Arguments.of("240.0.0.0/4", "240.0.0.0", "255.255.255.254", "reserved", "", ""),
        Arguments.of("::/128", "::", "::", "unspecified", "", ""),
        Arguments.of("::1/128", "::1", "::1", "loopback", "", ""),
        Arguments.of("64:ff9b:1::/48", "64:ff9b:1::", "64:ff9b:1:ffff:ffff:ffff:ffff:ffff", "NAT64",
            "64:ff9b:0:ffff:ffff:ffff:ffff:ffff", "64:ff9b:2::"),
        Arguments.of("100::/64", "100::", "100::ffff:ffff:ffff:ffff", "discard", "ff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
            "100:0:0:1::"),
        Arguments.of("2001:2::/48", "2001:2::", "2001:2:0:ffff:ffff:ffff:ffff:ffff", "benchmarking",
            "2001:1:ffff:ffff:ffff:ffff:ffff:ffff", "2001:2:1::"),
        Arguments.of("2001:10::/28", "2001:10::", "2001:1f:ffff:ffff:ffff:ffff:ffff:ffff", "ORCHID",
            "2001:f:ffff:ffff:ffff:ffff:ffff:ffff", "2001:20::"),
        Arguments.of("2001:db8::/32", "2001:db8::", "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", "documentation",
            "2001:db7:ffff:ffff:ffff:ffff:ffff:ffff", "2001:db9::"),
        Arguments.of("3fff::/20", "3fff::", "3fff:fff:ffff:ffff:ffff:ffff:ffff:ffff", "documentation",
            "3ffe:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "3fff:1000::"),
        Arguments.of("fc00::/7", "fc00::", "fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "ULA",
            "fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "fe00::"),
        Arguments.of("fe80::/10", "fe80::", "febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "link-local",
            "fe7f:ffff:ffff:ffff:ffff:ffff:ffff:ffff", ""),
        Arguments.of("fec0::/10", "fec0::", "feff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "site-local", "", ""),
        Arguments.of("ff00::/8", "ff00::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "multicast", "", ""));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("ranges")
  void blocks_first_and_last_address_of_each_range_and_names_it(
      String cidr, String first, String last, String word, String below, String above) {
    for (String address : List.of(first, last)) {
      Verdict verdict = POLICY.check(ip(address));
      assertThat(verdict).isInstanceOf(Verdict.Blocked.class);
      assertThat(((Verdict.Blocked) verdict).reason())
          .startsWith(IpLiterals.format(ip(address).getAddress()) + " is ")
          .contains(word, cidr, AddressPolicy.ALLOWLIST_SETTING);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("ranges")
  void allows_the_public_neighbours_of_each_range(
      String cidr, String first, String last, String word, String below, String above) {
    for (String address : List.of(below, above)) {
      if (!address.isEmpty()) {
        assertThat(POLICY.check(ip(address))).as(address).isEqualTo(new Verdict.Allowed());
      }
    }
  }

  @Test
  void the_test_table_covers_every_blocked_range() {
    List<String> tested = ranges().map(a -> (String) a.get()[0]).toList();
    assertThat(BlockedRanges.ALL.stream().map(r -> r.cidr().toString())).containsExactlyInAnyOrderElementsOf(tested);
  }

  @Test
  void reason_reads_like_a_sentence_with_the_fix() {
    assertThat(POLICY.check(ip("127.0.0.1"))).isEqualTo(new Verdict.Blocked(
        "127.0.0.1 is a loopback address (127.0.0.0/8); add it to HERALD_ENDPOINT_ALLOWLIST to allow it"));
  }

  @Test
  void allows_ordinary_public_addresses() {
    for (String address : List.of("8.8.8.8", "1.1.1.1", "93.184.215.14", "2606:4700:4700::1111", "2a00:1450::1")) {
      assertThat(POLICY.check(ip(address)).isAllowed()).as(address).isTrue();
    }
  }
}
