package io.herald.server.network;

import static io.herald.server.network.Addresses.ip;
import static io.herald.server.network.Addresses.ip6;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class CidrTest {
  @ParameterizedTest
  @CsvSource({
      "127.0.0.0/8, 127.0.0.0/8",
      "10.1.2.3, 10.1.2.3/32",
      " 10.0.0.0/8 , 10.0.0.0/8",
      "0.0.0.0/0, 0.0.0.0/0",
      "::1/128, ::1/128",
      "::1, ::1/128",
      "fe80::/10, fe80::/10",
      "FE80:0:0:0:0:0:0:0/10, fe80::/10",
      "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1/128",
      "::ffff:10.0.0.0/104, ::ffff:a00:0/104",
      "::/0, ::/0"})
  void parses_and_prints_canonical_form(String text, String canonical) {
    assertThat(Cidr.parse(text)).hasToString(canonical);
  }

  @Test
  void contains_compares_bits_up_to_the_prefix() {
    Cidr cidr = Cidr.parse("172.16.0.0/12");
    assertThat(cidr.contains(ip("172.16.0.0"))).isTrue();
    assertThat(cidr.contains(ip("172.31.255.255"))).isTrue();
    assertThat(cidr.contains(ip("172.32.0.0"))).isFalse();
    assertThat(cidr.contains(ip("172.15.255.255"))).isFalse();
    assertThat(Cidr.parse("fe80::/10").contains(ip("febf:ffff::1"))).isTrue();
    assertThat(Cidr.parse("fe80::/10").contains(ip("fec0::"))).isFalse();
    assertThat(Cidr.parse("0.0.0.0/0").contains(ip("203.0.113.9"))).isTrue();
  }

  @Test
  void single_host_block_matches_only_that_host() {
    Cidr cidr = Cidr.parse("10.1.2.3");
    assertThat(cidr.prefixLength()).isEqualTo(32);
    assertThat(cidr.contains(ip("10.1.2.3"))).isTrue();
    assertThat(cidr.contains(ip("10.1.2.4"))).isFalse();
  }

  @Test
  void blocks_match_only_their_own_address_family() {
    assertThat(Cidr.parse("0.0.0.0/0").contains(ip("::1"))).isFalse();
    assertThat(Cidr.parse("::/0").contains(ip("127.0.0.1"))).isFalse();
    // An IPv6 block does not see an IPv4 address even in mapped form; AddressPolicy handles embedding.
    assertThat(Cidr.parse("::ffff:0:0/96").contains(ip("::ffff:127.0.0.1"))).isFalse();
    assertThat(Cidr.parse("::ffff:0:0/96").contains(ip6("::ffff:127.0.0.1"))).isTrue();
    assertThat(Cidr.parse("::/0").isIpv6()).isTrue();
  }

  @Test
  void equal_blocks_are_equal() {
    assertThat(Cidr.parse("fd00::/8")).isEqualTo(Cidr.parse("FD00:0::/8")).hasSameHashCodeAs(Cidr.parse("fd00::/8"));
    assertThat(Cidr.parse("10.0.0.0/8")).isNotEqualTo(Cidr.parse("10.0.0.0/9"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "localhost", "example.com", "10.0.0.0/", "10.0.0.0/33", "::/129", "10.0.0.0/-1",
      "10.0.0.0/8/8", "10.0.0.0/ 8", "256.0.0.0/8", "10.0.0/8", "0177.0.0.1", "0x7f.0.0.1", "2130706433", "127.1",
      "010.0.0.0/8", "fe80::1%eth0", "[::1]", "1:2:3", "10.0.0.0/８", "１.1.1.1"})
  void rejects_anything_but_an_unambiguous_literal(String text) {
    assertThatThrownBy(() -> Cidr.parse(text)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("CIDR");
  }

  @Test
  void rejects_host_bits_past_the_prefix_and_suggests_the_network() {
    assertThatThrownBy(() -> Cidr.parse("192.168.1.7/16"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("did you mean 192.168.0.0/16?");
    assertThatThrownBy(() -> Cidr.parse("fe80::1/10")).hasMessageContaining("did you mean fe80::/10?");
  }

  @Test
  void error_for_a_bad_prefix_gives_the_allowed_range() {
    assertThatThrownBy(() -> Cidr.parse("::/200")).hasMessageContaining("from 0 to 128");
    assertThatThrownBy(() -> Cidr.parse("10.0.0.0/33")).hasMessageContaining("from 0 to 32");
  }
}
