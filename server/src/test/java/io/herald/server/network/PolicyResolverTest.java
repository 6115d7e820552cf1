package io.herald.server.network;

import static io.herald.server.network.Addresses.ip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.eclipse.jetty.util.Promise;
import org.junit.jupiter.api.Test;

class PolicyResolverTest {
  /** Fake DNS: each name maps to literal answers; anything else is unknown. */
  private static final Map<String, List<String>> ZONE = Map.of(
      "mixed.test", List.of("10.0.0.1", "93.184.215.14", "::1", "2606:4700:4700::1111"),
      "internal.test", List.of("10.0.0.7", "fd00::7", "169.254.169.254"),
      "rebind.test", List.of("127.0.0.1"),
      "empty.test", List.of());
  private static final Executor DIRECT = Runnable::run;

  private final List<String> asked = new ArrayList<>();
  private final HostResolver fakeDns = host -> {
    asked.add(host);
    List<String> answers = ZONE.get(host);
    if (answers == null) {
      throw new UnknownHostException(host);
    }
    return answers.stream().map(Addresses::ip).toArray(InetAddress[]::new);
  };

  private static CompletableFuture<List<InetSocketAddress>> resolve(PolicyResolver resolver, String host) {
    CompletableFuture<List<InetSocketAddress>> result = new CompletableFuture<>();
    resolver.resolve(host, 443, Map.of(), Promise.from(result));
    return result;
  }

  private static Throwable failure(CompletableFuture<?> future) {
    assertThat(future).isCompletedExceptionally();
    return assertThatThrownBy(future::get).isInstanceOf(ExecutionException.class).actual().getCause();
  }

  @Test
  void returns_only_the_allowed_addresses_in_dns_order() {
    PolicyResolver resolver = new PolicyResolver(AddressPolicy.blockPrivate(), DIRECT, fakeDns);
    assertThat(resolve(resolver, "mixed.test")).isCompletedWithValue(List.of(
        new InetSocketAddress(ip("93.184.215.14"), 443), new InetSocketAddress(ip("2606:4700:4700::1111"), 443)));
  }

  @Test
  void fails_with_blocked_address_exception_when_every_address_is_blocked() {
    PolicyResolver resolver = new PolicyResolver(AddressPolicy.blockPrivate(), DIRECT, fakeDns);
    Throwable cause = failure(resolve(resolver, "internal.test"));
    assertThat(cause).isInstanceOf(BlockedAddressException.class).isInstanceOf(ConnectException.class)
        .hasMessage("Refusing to connect to internal.test: 10.0.0.7 is a private address (10.0.0.0/8); "
            + "add it to HERALD_ENDPOINT_ALLOWLIST to allow it");
    assertThat(((BlockedAddressException) cause).host()).isEqualTo("internal.test");
    assertThat(((BlockedAddressException) cause).reason()).startsWith("10.0.0.7 is a private address");
  }

  @Test
  void a_name_that_rebinds_to_loopback_is_refused_at_connect_time() {
    // EndpointUrls accepted the name without resolving it; the connect-time answer is what gets checked.
    assertThat(EndpointUrls.validate("https://rebind.test/hook", AddressPolicy.blockPrivate())).isNotNull();
    PolicyResolver resolver = new PolicyResolver(AddressPolicy.blockPrivate(), DIRECT, fakeDns);
    assertThat(failure(resolve(resolver, "rebind.test"))).isInstanceOf(BlockedAddressException.class)
        .hasMessageContaining("loopback");
  }

  @Test
  void allowlist_lets_internal_answers_through() {
    PolicyResolver resolver = new PolicyResolver(AddressPolicy.parse("fd00::/8"), DIRECT, fakeDns);
    assertThat(resolve(resolver, "internal.test")).isCompletedWithValue(
        List.of(new InetSocketAddress(ip("fd00::7"), 443)));
  }

  @Test
  void unknown_host_fails_with_unknown_host_exception() {
    PolicyResolver resolver = new PolicyResolver(AddressPolicy.blockPrivate(), DIRECT, fakeDns);
    assertThat(failure(resolve(resolver, "nowhere.test"))).isInstanceOf(UnknownHostException.class);
    assertThat(failure(resolve(resolver, "empty.test"))).isInstanceOf(UnknownHostException.class);
    assertThat(failure(resolve(resolver, ""))).isInstanceOf(UnknownHostException.class);
  }

  @Test
  void lookup_runs_on_the_given_executor_not_the_calling_thread() {
    Queue<Runnable> queued = new ArrayDeque<>();
    PolicyResolver resolver = new PolicyResolver(AddressPolicy.blockPrivate(), queued::add, fakeDns);
    CompletableFuture<List<InetSocketAddress>> result = resolve(resolver, "mixed.test");
    assertThat(result).isNotDone();
    assertThat(asked).isEmpty();
    queued.remove().run();
    assertThat(result).isCompletedWithValueMatching(list -> list.size() == 2);
  }

  @Test
  void rejected_execution_fails_the_promise() {
    Executor full = task -> {
      throw new RejectedExecutionException("shutting down");
    };
    PolicyResolver resolver = new PolicyResolver(AddressPolicy.blockPrivate(), full, fakeDns);
    assertThat(failure(resolve(resolver, "mixed.test"))).isInstanceOf(RejectedExecutionException.class);
  }

  @Test
  void ipv6_literals_arrive_from_jetty_in_brackets_and_are_resolved_bare() {
    PolicyResolver resolver = new PolicyResolver(AddressPolicy.blockPrivate(), DIRECT,
        host -> new InetAddress[] {ip(host)});
    assertThat(failure(resolve(resolver, "[::1]"))).hasMessageContaining("::1 is the loopback address");
    assertThat(resolve(resolver, "[2606:4700:4700::1111]")).isCompleted();
  }

  @Test
  void default_resolver_handles_literals_without_dns() throws Exception {
    PolicyResolver resolver = new PolicyResolver(AddressPolicy.blockPrivate(), DIRECT);
    assertThatThrownBy(() -> resolver.resolveAllowed("127.0.0.1", 80)).isInstanceOf(BlockedAddressException.class);
    assertThatThrownBy(() -> resolver.resolveAllowed("[::ffff:169.254.169.254]", 80))
        .hasMessageContaining("link-local");
    assertThat(resolver.resolveAllowed("8.8.8.8", 80)).containsExactly(new InetSocketAddress(ip("8.8.8.8"), 80));
  }

  @Test
  void resolve_allowed_returns_addresses_with_the_port() throws Exception {
    PolicyResolver resolver = new PolicyResolver(AddressPolicy.allowAll(), DIRECT, fakeDns);
    assertThat(resolver.resolveAllowed("mixed.test", 8080)).extracting(InetSocketAddress::getPort)
        .containsOnly(8080).hasSize(4);
    assertThat(asked).containsExactly("mixed.test");
  }
}
