package io.herald.server.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class EndpointUrlsTest {
  private static final AddressPolicy POLICY = AddressPolicy.blockPrivate();

  private static void assertRejected(String url, AddressPolicy policy, String... fragments) {
    assertThatThrownBy(() -> EndpointUrls.validate(url, policy))
        .isInstanceOf(InvalidEndpointUrlException.class)
        .isInstanceOf(IllegalArgumentException.class)
        .satisfies(e -> assertThat(e.getMessage()).contains(fragments));
  }

  @ParameterizedTest
  @ValueSource(strings = {"https://example.com/webhooks?token=abc", "http://example.com:8080/hook",
      "HTTPS://Example.COM/", "https://8.8.8.8/hook", "https://[2606:4700:4700::1111]:8443/hook",
      "https://api.example.com", "https://0x.example.com/", "https://1e100.net/"})
  void accepts_absolute_http_and_https_urls(String url) {
    assertThat(EndpointUrls.validate(url, POLICY)).isEqualTo(URI.create(url));
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://internal.corp.example/", "http://metadata.google.internal/", "http://db/"})
  void does_not_resolve_dns_names_at_creation(String url) {
    // These may well resolve to private addresses; PolicyResolver refuses them at connect time.
    assertThat(EndpointUrls.validate(url, POLICY)).hasToString(url);
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {"   "})
  void rejects_a_missing_url(String url) {
    assertRejected(url, POLICY, "empty", "https://");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "example.com/hook | must be absolute",
      "/hook | must be absolute",
      "ftp://example.com/ | scheme 'ftp' is not supported; use http or https",
      "javascript:alert(1) | scheme 'javascript' is not supported",
      "file:///etc/passwd | scheme 'file' is not supported",
      "http:example.com | has no host",
      "http:///hook | has no host",
      "http://exa mple.com/ | not a valid URL",
      "https://user:pass@example.com/ | must not contain credentials",
      "https://user@127.1/ | must not contain credentials",
      "http://example.com:0/ | port 0 is out of range",
      "http://example.com:70000/ | port 70000 is out of range",
      "http://under_score.example.com/ | 'under_score.example.com' is not a valid host[:port]"})
  void rejects_malformed_urls_with_the_fix(String url, String fragment) {
    assertRejected(url, POLICY, fragment);
  }

  @Test
  void rejects_overlong_urls_without_echoing_them() {
    String url = "https://example.com/" + "a".repeat(EndpointUrls.MAX_LENGTH);
    assertRejected(url, POLICY, "the limit is 65536");
    assertThatThrownBy(() -> EndpointUrls.validate(url, POLICY)).message().hasSizeLessThan(200);
  }

  @Test
  void error_messages_do_not_leak_credentials() {
    assertThatThrownBy(() -> EndpointUrls.validate("https://user:s3cret@example.com/", POLICY))
        .message().doesNotContain("s3cret");
  }

  @ParameterizedTest
  @CsvSource({
      "http://127.0.0.1/, loopback",
      "http://127.0.0.1:8080/hook, loopback",
      "http://10.0.0.1/, private",
      "http://169.254.169.254/latest/meta-data/, link-local",
      "http://0.0.0.0/, unspecified",
      "http://[::1]/, loopback",
      "http://[::]:80/, unspecified",
      "http://[::ffff:127.0.0.1]/, loopback",
      "http://[64:ff9b::a9fe:a9fe]/, link-local",
      "http://[fc00::1]/, ULA",
      "http://[fe80::1]/, link-local",
      "http://localhost:8080/, loopback",
      "http://api.LOCALHOST/, loopback"})
  void applies_the_policy_to_ip_literals_and_localhost(String url, String word) {
    assertRejected(url, POLICY, "not allowed", word, "HERALD_ENDPOINT_ALLOWLIST");
  }

  @Test
  void messages_name_the_host_and_the_blocked_address() {
    assertThatThrownBy(() -> EndpointUrls.validate("http://[::ffff:127.0.0.1]/", POLICY)).hasMessage(
        "Endpoint URL host [::ffff:127.0.0.1] is not allowed: 127.0.0.1 is a loopback address (127.0.0.0/8); "
            + "add it to HERALD_ENDPOINT_ALLOWLIST to allow it");
    assertThatThrownBy(() -> EndpointUrls.validate("http://localhost/", POLICY))
        .hasMessageStartingWith("Endpoint URL host localhost always means this machine, so it is not allowed: ");
  }

  @Test
  void allowlisted_literals_are_accepted() {
    AddressPolicy policy = AddressPolicy.parse("127.0.0.0/8,10.0.0.0/8");
    assertThat(EndpointUrls.validate("http://127.0.0.1:9000/hook", policy)).isNotNull();
    assertThat(EndpointUrls.validate("http://[::ffff:10.1.1.1]/hook", policy)).isNotNull();
    assertThat(EndpointUrls.validate("http://localhost:9000/hook", policy)).isNotNull();
    assertThat(EndpointUrls.validate("http://[::1]/", AddressPolicy.allowAll())).isNotNull();
    assertRejected("http://[::1]/", policy, "loopback");
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://2130706433/", "http://0x7f.1/", "http://0177.0.0.1/", "http://127.1/",
      "http://127.1:8080/", "http://0x7f000001/", "http://010.0.0.1/", "http://0x7F.0x0.0x0.0x1/", "http://1.2.3/",
      "http://3232235777:80/", "http://foo.0x10/", "http://8.8.8.8.8/"})
  void rejects_ambiguous_numeric_hosts(String url) {
    assertRejected(url, POLICY, "non-standard", "dotted-quad", "hostname");
  }

  @Test
  void ambiguous_numeric_hosts_are_rejected_even_when_everything_is_allowed() {
    // Herald's resolver and another client could read them as different addresses.
    assertRejected("http://0177.0.0.1/", AddressPolicy.allowAll(), "dotted-quad");
  }

  @Test
  void rejects_ipv6_zone_ids() {
    assertRejected("http://[fe80::1%25eth0]/", AddressPolicy.allowAll(), "zone ID");
  }
}
