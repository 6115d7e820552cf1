package io.herald.server.network;

import java.net.ConnectException;

/**
 * A connection refused by Herald itself because every address of the host is blocked by the {@link AddressPolicy}.
 * It is a {@link ConnectException} so delivery code treats it like any other failure to connect. The message names
 * the host, the blocked address and {@value AddressPolicy#ALLOWLIST_SETTING}; it is safe to show to users.
 */
public final class BlockedAddressException extends ConnectException {
  private final String host;
  private final String reason;

  public BlockedAddressException(String host, String reason) {
    super("Refusing to connect to " + host + ": " + reason);
    this.host = host;
    this.reason = reason;
  }

  /** The host that was being resolved. */
  public String host() {
    return host;
  }

  /** The policy's reason for the first blocked address, as in {@link Verdict.Blocked#reason()}. */
  public String reason() {
    return reason;
  }
}
