package io.herald.server.network;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Decides which IP addresses Herald may deliver webhooks to, so a registered endpoint cannot make Herald reach
 * loopback, private networks or cloud metadata services (SSRF).
 *
 * <p>An address is blocked if it is in the blocked table (loopback, private, link-local, CGNAT, multicast, ULA,
 * documentation, reserved, ...) and not in the operator's allowlist ({@value #ALLOWLIST_SETTING}). IPv6 forms that
 * carry an IPv4 address (IPv4-mapped, -compatible, -translated, NAT64 {@code 64:ff9b::/96}, 6to4, Teredo) are also
 * judged by that IPv4 address, and the allowlist must name the IPv4 address to let them through.
 *
 * <p>Warning: this judges addresses, not host names. Check the address you actually connect to (see
 * {@link PolicyResolver}); checking a name and then resolving it again lets DNS rebinding slip through.
 */
public final class AddressPolicy {
  /** The environment setting holding the comma-separated CIDR allowlist. */
  public static final String ALLOWLIST_SETTING = "HERALD_ENDPOINT_ALLOWLIST";

  private static final Verdict ALLOWED = new Verdict.Allowed();

  private final List<BlockedRanges.Range> blocked;
  private final List<Cidr> allowlist;

  private AddressPolicy(List<BlockedRanges.Range> blocked, List<Cidr> allowlist) {
    this.blocked = blocked;
    this.allowlist = List.copyOf(allowlist);
  }

  /**
   * The policy for a {@value #ALLOWLIST_SETTING} value: comma-separated CIDR blocks (bare addresses mean one host);
   * null or blank means no allowlist.
   *
   * @throws IllegalArgumentException naming the setting and the bad entry
   */
  public static AddressPolicy parse(String allowlistSetting) {
    if (allowlistSetting == null || allowlistSetting.isBlank()) {
      return blockPrivate();
    }
    List<Cidr> allow = new ArrayList<>();
    for (String entry : allowlistSetting.split(",")) {
      if (entry.isBlank()) {
        continue; // tolerate "a,b," and "a, ,b"
      }
      try {
        allow.add(Cidr.parse(entry));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(ALLOWLIST_SETTING + " has a bad entry '" + entry.strip() + "': "
            + e.getMessage() + ". Expected comma-separated CIDR blocks like 10.0.0.0/8,fd00::/8", e);
      }
    }
    return new AddressPolicy(BlockedRanges.ALL, allow);
  }

  /** Blocks every non-public address, with no allowlist. The safe default. */
  public static AddressPolicy blockPrivate() {
    return new AddressPolicy(BlockedRanges.ALL, List.of());
  }

  /** Allows every address. Warning: for tests that deliver to loopback only; never use in production. */
  public static AddressPolicy allowAll() {
    return new AddressPolicy(List.of(), List.of());
  }

  /** The allowlisted blocks, in setting order. */
  public List<Cidr> allowlist() {
    return allowlist;
  }

  /** Judges one address, and the IPv4 address embedded in it if there is one. */
  public Verdict check(InetAddress address) {
    Objects.requireNonNull(address, "address");
    byte[] raw = address.getAddress();
    String text = IpLiterals.format(raw);
    BlockedRanges.Range direct = blockedRange(raw);
    if (direct != null) {
      return new Verdict.Blocked(text + " is " + direct.description() + " (" + direct.cidr() + "); add it to "
          + ALLOWLIST_SETTING + " to allow it");
    }
    EmbeddedIpv4.Embedded embedded = EmbeddedIpv4.find(raw);
    if (embedded != null) {
      BlockedRanges.Range inner = blockedRange(embedded.ipv4());
      if (inner != null) {
        String v4 = IpLiterals.format(embedded.ipv4());
        return new Verdict.Blocked(text + " embeds " + v4 + " (" + embedded.mechanism() + "), which is "
            + inner.description() + " (" + inner.cidr() + "); add " + v4 + " to " + ALLOWLIST_SETTING
            + " to allow it");
      }
    }
    return ALLOWED;
  }

  /** The blocked block containing the address, or null if none does or the allowlist excuses it. */
  private BlockedRanges.Range blockedRange(byte[] raw) {
    for (BlockedRanges.Range range : blocked) {
      if (range.cidr().contains(raw)) {
        return isAllowlisted(raw) ? null : range;
      }
    }
    return null;
  }

  private boolean isAllowlisted(byte[] raw) {
    for (Cidr cidr : allowlist) {
      if (cidr.contains(raw)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return blocked.isEmpty() ? "AddressPolicy[allow all]" : "AddressPolicy[block private, allowlist=" + allowlist + "]";
  }
}
