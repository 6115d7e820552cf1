package io.herald.server.network;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.SocketAddressResolver;

/**
 * Jetty's address resolver for Herald's delivery client: resolves the host, drops every address the
 * {@link AddressPolicy} blocks, and hands Jetty only the rest. Jetty connects to exactly these addresses, so the
 * check cannot be bypassed by DNS rebinding (a name that resolves to a public address at validation time and to
 * 127.0.0.1 at connect time).
 *
 * <p>Fails the promise with {@link BlockedAddressException} when every address is blocked and with
 * {@link UnknownHostException} when the host has none. Warning: lookups block, so they run on the executor given
 * to the constructor, never on Jetty's selector thread; pass one that can afford to block (virtual threads).
 * There is no lookup timeout here; the request's own timeout bounds a hung lookup.
 */
public final class PolicyResolver implements SocketAddressResolver {
  private final AddressPolicy policy;
  private final Executor executor;
  private final HostResolver hostResolver;

  /** Resolves with the JDK resolver. */
  public PolicyResolver(AddressPolicy policy, Executor executor) {
    this(policy, executor, HostResolver.system());
  }

  public PolicyResolver(AddressPolicy policy, Executor executor, HostResolver hostResolver) {
    this.policy = Objects.requireNonNull(policy, "policy");
    this.executor = Objects.requireNonNull(executor, "executor");
    this.hostResolver = Objects.requireNonNull(hostResolver, "hostResolver");
  }

  @Override
  public void resolve(String host, int port, Map<String, Object> context, Promise<List<InetSocketAddress>> promise) {
    try {
      executor.execute(() -> complete(host, port, promise));
    } catch (RejectedExecutionException e) {
      promise.failed(e);
    }
  }

  private void complete(String host, int port, Promise<List<InetSocketAddress>> promise) {
    List<InetSocketAddress> allowed;
    try {
      allowed = resolveAllowed(host, port);
    } catch (Throwable t) {
      promise.failed(t);
      return;
    }
    // Outside the try: a failure inside Jetty's success path must not be reported as a resolution failure too.
    promise.succeeded(allowed);
  }

  /**
   * Resolves on the calling thread and returns the allowed addresses in resolver order.
   *
   * @throws UnknownHostException if the host has no addresses
   * @throws BlockedAddressException if the policy blocks all of them
   */
  public List<InetSocketAddress> resolveAllowed(String host, int port)
      throws UnknownHostException, BlockedAddressException {
    // Jetty passes IPv6 literals in brackets; resolvers expect them bare.
    String bare = host.length() > 2 && host.startsWith("[") && host.endsWith("]")
        ? host.substring(1, host.length() - 1) : host;
    if (bare.isBlank()) {
      // The JDK resolves an empty name to loopback; an empty host is a bug, not a request for localhost.
      throw new UnknownHostException("empty host name");
    }
    InetAddress[] addresses = hostResolver.resolve(bare);
    if (addresses == null || addresses.length == 0) {
      throw new UnknownHostException(bare + ": no addresses");
    }
    List<InetSocketAddress> allowed = new ArrayList<>(addresses.length);
    String firstReason = null;
    for (InetAddress address : addresses) {
      if (policy.check(address) instanceof Verdict.Blocked blocked) {
        firstReason = firstReason == null ? blocked.reason() : firstReason;
      } else {
        allowed.add(new InetSocketAddress(address, port));
      }
    }
    if (allowed.isEmpty()) {
      throw new BlockedAddressException(bare, firstReason);
    }
    return allowed;
  }
}
