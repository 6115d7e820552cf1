package io.herald.server.network;

import static io.herald.server.network.Addresses.ip;
import static io.herald.server.network.Addresses.ip6;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AddressPolicyTest {
  private static final AddressPolicy POLICY = AddressPolicy.blockPrivate();

  private static String reason(AddressPolicy policy, InetAddress address) {
    assertThat(policy.check(address)).as(address.toString()).isInstanceOf(Verdict.Blocked.class);
    return ((Verdict.Blocked) policy.check(address)).reason();
  }

  @ParameterizedTest
  @CsvSource({
      "::ffff:127.0.0.1, 127.0.0.1, IPv4-mapped, loopback",
      "::ffff:0:a00:1, 10.0.0.1, IPv4-translated, private",
      "::127.0.0.1, 127.0.0.1, IPv4-compatible, loopback",
      "::a9fe:a9fe, 169.254.169.254, IPv4-compatible, link-local",
      "64:ff9b::7f00:1, 127.0.0.1, NAT64, loopback",
      "64:ff9b::a9fe:a9fe, 169.254.169.254, NAT64, link-local",
      "2002:7f00:1::, 127.0.0.1, 6to4, loopback",
      "2002:c0a8:101:1::1, 192.168.1.1, 6to4, private",
      "2001:0:4136:e378:8000:63bf:80ff:fffe, 127.0.0.1, Teredo, loopback",
      "2001:0:4136:e378:8000:63bf:f5ff:fffe, 10.0.0.1, Teredo, private"})
  void blocks_ipv6_forms_that_embed_a_blocked_ipv4(String v6, String v4, String mechanism, String word) {
    assertThat(reason(POLICY, ip6(v6)))
        .startsWith(IpLiterals.format(ip6(v6).getAddress()) + " embeds " + v4 + " (" + mechanism + ")")
        .contains(word, "add " + v4 + " to HERALD_ENDPOINT_ALLOWLIST");
  }

  @ParameterizedTest
  @ValueSource(strings = {"::ffff:8.8.8.8", "::ffff:0:808:808", "::8.8.8.8", "64:ff9b::808:808", "2002:808:808::1",
      "2001:0:4136:e378:8000:63bf:f7f7:f7f7"})
  void allows_ipv6_forms_that_embed_a_public_ipv4(String v6) {
    assertThat(POLICY.check(ip6(v6)).isAllowed()).isTrue();
  }

  @Test
  void the_jdk_turns_mapped_literals_into_ipv4_which_is_checked_as_such() throws Exception {
    InetAddress mapped = InetAddress.getByName("::ffff:127.0.0.1"); // a literal: no DNS
    assertThat(reason(POLICY, mapped)).startsWith("127.0.0.1 is a loopback address");
  }

  @Test
  void unspecified_and_loopback_ipv6_are_named_as_such_not_as_ipv4_compatible() {
    assertThat(reason(POLICY, ip("::"))).startsWith(":: is the unspecified address");
    assertThat(reason(POLICY, ip("::1"))).startsWith("::1 is the loopback address");
  }

  @Test
  void allowlist_lets_listed_addresses_through_in_any_form() {
    AddressPolicy policy = AddressPolicy.parse("127.0.0.0/8");
    assertThat(policy.check(ip("127.0.0.1")).isAllowed()).isTrue();
    assertThat(policy.check(ip("127.255.255.254")).isAllowed()).isTrue();
    assertThat(policy.check(ip("::ffff:127.0.0.1")).isAllowed()).isTrue();
    assertThat(policy.check(ip6("::ffff:127.0.0.1")).isAllowed()).isTrue();
    assertThat(policy.check(ip6("64:ff9b::7f00:1")).isAllowed()).isTrue();
    assertThat(reason(policy, ip("10.0.0.1"))).contains("private");
    assertThat(reason(policy, ip("::1"))).contains("loopback");
  }

  @Test
  void allowlisting_the_ipv6_wrapper_does_not_allow_the_embedded_ipv4() {
    // The packets end up at the IPv4 address, so that is what the operator must allow.
    AddressPolicy policy = AddressPolicy.parse("64:ff9b::/96");
    assertThat(reason(policy, ip6("64:ff9b::7f00:1"))).contains("add 127.0.0.1 to HERALD_ENDPOINT_ALLOWLIST");
  }

  @Test
  void allowlist_takes_several_comma_separated_blocks_and_bare_addresses() {
    AddressPolicy policy = AddressPolicy.parse(" 10.0.0.0/8, fd00::/8 ,192.168.1.7,");
    assertThat(policy.allowlist()).extracting(Cidr::toString)
        .containsExactly("10.0.0.0/8", "fd00::/8", "192.168.1.7/32");
    assertThat(policy.check(ip("10.20.30.40")).isAllowed()).isTrue();
    assertThat(policy.check(ip("fd12::1")).isAllowed()).isTrue();
    assertThat(policy.check(ip("192.168.1.7")).isAllowed()).isTrue();
    assertThat(policy.check(ip("fc00::1")).isAllowed()).isFalse();
    assertThat(policy.check(ip("192.168.1.8")).isAllowed()).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "   "})
  void blank_setting_means_no_allowlist(String setting) {
    assertThat(AddressPolicy.parse(setting).allowlist()).isEmpty();
    assertThat(AddressPolicy.parse(setting).check(ip("10.0.0.1")).isAllowed()).isFalse();
    assertThat(AddressPolicy.parse(null).allowlist()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"10.0.0.0/33", "intranet.example", "10.0.0.0/8;192.168.0.0/16", "0177.0.0.1",
      "10.1.2.3/8", "fe80::1%eth0"})
  void bad_allowlist_entry_names_the_setting_and_the_entry(String entry) {
    assertThatThrownBy(() -> AddressPolicy.parse("192.168.0.0/16," + entry))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("HERALD_ENDPOINT_ALLOWLIST")
        .hasMessageContaining("'" + entry + "'");
  }

  @Test
  void allow_all_allows_everything() {
    AddressPolicy policy = AddressPolicy.allowAll();
    for (String address : new String[] {"127.0.0.1", "::1", "10.0.0.1", "169.254.169.254", "ff02::1"}) {
      assertThat(policy.check(ip(address)).isAllowed()).as(address).isTrue();
    }
    assertThat(policy.check(ip6("64:ff9b::7f00:1")).isAllowed()).isTrue();
  }

  @Test
  void blocked_reason_is_required() {
    assertThatThrownBy(() -> new Verdict.Blocked(null)).isInstanceOf(NullPointerException.class);
  }
}
