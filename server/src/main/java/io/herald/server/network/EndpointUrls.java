package io.herald.server.network;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Validates endpoint URLs when they are created, so mistakes and obvious internal targets fail fast with a clear
 * message instead of at every delivery.
 *
 * <p>IP literal hosts are judged by the {@link AddressPolicy} here. DNS names are deliberately not resolved: the
 * answer may change before delivery, so {@link PolicyResolver} checks the addresses actually connected to. Warning:
 * passing this check is not permission to connect; always deliver through {@link PolicyResolver}.
 */
public final class EndpointUrls {
  /** The longest URL accepted, in characters. */
  public static final int MAX_LENGTH = 65_536;

  private static final String EXAMPLE = "https://example.com/webhooks";
  // A last label of digits or 0x-hex is read as (part of) a numeric IPv4 address by browsers and curl.
  private static final Pattern NUMERIC_LABEL = Pattern.compile("[0-9]+|0[xX][0-9a-fA-F]*");

  private EndpointUrls() {}

  /**
   * Returns the parsed URL if Herald may deliver to it.
   *
   * @throws InvalidEndpointUrlException naming the problem and the fix
   */
  public static URI validate(String url, AddressPolicy policy) {
    if (url == null || url.isBlank()) {
      throw invalid("Endpoint URL is empty; give an absolute http or https URL like " + EXAMPLE);
    }
    if (url.length() > MAX_LENGTH) {
      throw invalid("Endpoint URL is " + url.length() + " characters long; the limit is " + MAX_LENGTH);
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw invalid("Endpoint URL is not a valid URL (" + e.getReason() + " at index " + e.getIndex()
          + "); percent-encode spaces and other special characters");
    }
    String scheme = uri.getScheme();
    if (scheme == null) {
      throw invalid("Endpoint URL must be absolute, starting with http:// or https://, like " + EXAMPLE);
    }
    if (!scheme.equalsIgnoreCase("http") && !scheme.equalsIgnoreCase("https")) {
      throw invalid("Endpoint URL scheme '" + shorten(scheme) + "' is not supported; use http or https");
    }
    String authority = uri.getRawAuthority();
    if (uri.isOpaque() || authority == null || authority.isEmpty()) {
      throw invalid("Endpoint URL has no host; write it like " + EXAMPLE);
    }
    if (uri.getRawUserInfo() != null || authority.contains("@")) {
      throw invalid("Endpoint URL must not contain credentials (user:password@); remove them. "
          + "Receivers authenticate Herald by its webhook signature");
    }
    String host = uri.getHost();
    if (host == null) {
      // java.net.URI fell back to a registry authority: not a valid host[:port], e.g. 127.1 or 0x7f.1.
      String candidate = authority.replaceFirst(":[^:\\]]*$", "");
      if (endsInNumber(candidate)) {
        throw ambiguousNumeric(candidate);
      }
      throw invalid("Endpoint URL host '" + shorten(authority) + "' is not a valid host[:port]; use a hostname "
          + "like example.com, a dotted-quad IPv4 address or a bracketed IPv6 address like [2001:db8::1]");
    }
    if (uri.getPort() == 0 || uri.getPort() > 65_535) {
      throw invalid("Endpoint URL port " + uri.getPort() + " is out of range; use 1 to 65535");
    }
    checkHost(host, policy);
    return uri;
  }

  private static void checkHost(String host, AddressPolicy policy) {
    if (host.startsWith("[")) {
      String inner = host.substring(1, host.length() - 1);
      if (inner.contains("%")) {
        throw invalid("Endpoint URL host " + shorten(host) + " has an IPv6 zone ID; zone IDs only reach "
            + "link-local addresses, which Herald does not deliver to. Remove the %... part");
      }
      byte[] raw = IpLiterals.parseIpv6(inner);
      if (raw == null) {
        throw invalid("Endpoint URL host " + shorten(host) + " is not a valid IPv6 address");
      }
      applyPolicy(raw, policy, "Endpoint URL host " + shorten(host) + " is not allowed: ");
    } else if (endsInNumber(host)) {
      byte[] raw = IpLiterals.parseDottedQuad(host);
      if (raw == null) {
        throw ambiguousNumeric(host);
      }
      applyPolicy(raw, policy, "Endpoint URL host " + host + " is not allowed: ");
    } else if (isLocalhost(host)) {
      // RFC 6761: localhost names never leave the machine, whatever DNS says; no lookup needed to refuse them.
      applyPolicy(new byte[] {127, 0, 0, 1}, policy,
          "Endpoint URL host " + shorten(host) + " always means this machine, so it is not allowed: ");
    }
  }

  private static void applyPolicy(byte[] raw, AddressPolicy policy, String prefix) {
    InetAddress address;
    try {
      address = InetAddress.getByAddress(raw); // never does DNS
    } catch (UnknownHostException e) {
      throw new IllegalStateException("4 or 16 bytes expected", e);
    }
    if (policy.check(address) instanceof Verdict.Blocked blocked) {
      throw invalid(prefix + blocked.reason());
    }
  }

  private static boolean endsInNumber(String host) {
    String h = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
    String last = h.substring(h.lastIndexOf('.') + 1);
    return NUMERIC_LABEL.matcher(last).matches();
  }

  private static boolean isLocalhost(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    h = h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
    return h.equals("localhost") || h.endsWith(".localhost");
  }

  private static InvalidEndpointUrlException ambiguousNumeric(String host) {
    return invalid("Endpoint URL host '" + shorten(host) + "' looks like an IPv4 address in a non-standard "
        + "(integer, octal, hex or shortened) form, which clients read differently; use a dotted-quad IPv4 "
        + "address of four decimal numbers without leading zeros, like 8.8.8.8, or a hostname");
  }

  private static String shorten(String s) {
    return s.length() <= 100 ? s : s.substring(0, 100) + "...";
  }

  private static InvalidEndpointUrlException invalid(String message) {
    return new InvalidEndpointUrlException(message);
  }
}
