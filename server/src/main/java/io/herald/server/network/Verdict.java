package io.herald.server.network;

import java.util.Objects;

/** What {@link AddressPolicy#check} decided about one address. */
public sealed interface Verdict {
  /** Herald may connect to the address. */
  record Allowed() implements Verdict {}

  /**
   * Herald must not connect to the address.
   *
   * @param reason names the address, why it is blocked and the setting that would allow it; safe to show to users
   */
  record Blocked(String reason) implements Verdict {
    public Blocked {
      Objects.requireNonNull(reason, "reason");
    }
  }

  /** Whether this is {@link Allowed}. */
  default boolean isAllowed() {
    return this instanceof Allowed;
  }
}
