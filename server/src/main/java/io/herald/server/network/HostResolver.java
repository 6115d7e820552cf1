package io.herald.server.network;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Turns a host name or IP literal (without brackets) into addresses; pluggable so tests can fake DNS. */
@FunctionalInterface
public interface HostResolver {
  /**
   * All addresses for the host. May block on DNS; callers must not run it on an event-loop thread.
   *
   * @throws UnknownHostException if the host has no addresses
   */
  InetAddress[] resolve(String host) throws UnknownHostException;

  /** The JDK resolver, {@link InetAddress#getAllByName}. */
  static HostResolver system() {
    return InetAddress::getAllByName;
  }
}
