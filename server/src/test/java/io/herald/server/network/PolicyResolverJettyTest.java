package io.herald.server.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The resolver wired into a real Jetty client; all traffic stays on loopback, blocked requests never connect. */
class PolicyResolverJettyTest {
  private final ExecutorService lookups = Executors.newVirtualThreadPerTaskExecutor();
  private HttpServer server;
  private HttpClient client;

  @BeforeEach
  void startServer() throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      exchange.sendResponseHeaders(204, -1);
      exchange.close();
    });
    server.start();
  }

  @AfterEach
  void stop() throws Exception {
    if (client != null) {
      client.stop();
    }
    server.stop(0);
    lookups.close();
  }

  private HttpClient client(AddressPolicy policy) throws Exception {
    client = new HttpClient();
    client.setSocketAddressResolver(new PolicyResolver(policy, lookups));
    client.start();
    return client;
  }

  private String loopbackUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
  }

  @Test
  void jetty_refuses_to_connect_to_a_blocked_address() throws Exception {
    HttpClient http = client(AddressPolicy.blockPrivate());
    assertThatThrownBy(() -> http.newRequest(loopbackUrl()).timeout(10, TimeUnit.SECONDS).send())
        .isInstanceOf(ExecutionException.class)
        .cause().isInstanceOf(BlockedAddressException.class).hasMessageContaining("HERALD_ENDPOINT_ALLOWLIST");
    assertThatThrownBy(() -> http.newRequest("http://[::1]:1/hook").timeout(10, TimeUnit.SECONDS).send())
        .cause().isInstanceOf(BlockedAddressException.class).hasMessageContaining("::1 is the loopback address");
  }

  @Test
  void jetty_delivers_to_an_allowlisted_address() throws Exception {
    HttpClient http = client(AddressPolicy.parse("127.0.0.0/8"));
    ContentResponse response = http.newRequest(loopbackUrl()).timeout(10, TimeUnit.SECONDS).send();
    assertThat(response.getStatus()).isEqualTo(204);
  }
}
