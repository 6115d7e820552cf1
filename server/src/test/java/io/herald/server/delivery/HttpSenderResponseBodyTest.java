package io.herald.server.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.herald.server.network.AddressPolicy;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The response body kept with an attempt, for bodies the scripted receiver cannot send: chunked, with no declared
 * length, written in pieces of different sizes. The buffer starts small and grows; no byte may be lost or reordered
 * on the way, and nothing past the cap is kept.
 */
class HttpSenderResponseBodyTest {
  private static final int CAP = 20_000;
  HttpServer server;
  HttpSender sender;
  volatile byte[][] pieces;

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      exchange.getRequestBody().readAllBytes();
      exchange.sendResponseHeaders(200, pieces.length == 0 ? -1 : 0); // 0: chunked, no Content-Length
      try (OutputStream out = exchange.getResponseBody()) {
        for (byte[] piece : pieces) {
          out.write(piece);
          out.flush();
        }
      }
    });
    server.start();
    sender = new HttpSender(AddressPolicy.parse("127.0.0.0/8"), Duration.ofSeconds(2), Duration.ofSeconds(5), CAP,
        "test", Clock.systemUTC(), 16);
  }

  @AfterEach
  void stop() throws Exception {
    sender.close();
    server.stop(0);
  }

  private String post() {
    URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    AttemptResult r = sender.post(url, Map.of(), "{}".getBytes(StandardCharsets.UTF_8)).join();
    assertThat(r).isInstanceOf(AttemptResult.Delivered.class);
    return r.response();
  }

  private static String text(int length, char first) {
    StringBuilder b = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      b.append((char) (first + i % 26));
    }
    return b.toString();
  }

  @Test
  void an_empty_body_is_kept_as_empty() {
    pieces = new byte[0][];
    assertThat(post()).isEmpty();
  }

  @Test
  void pieces_of_growing_size_are_kept_whole_and_in_order() {
    String a = text(10, 'a');
    String b = text(3_000, 'A');
    String c = text(9_000, 'a');
    pieces = new byte[][] {a.getBytes(), b.getBytes(), c.getBytes()};
    assertThat(post()).isEqualTo(a + b + c);
  }

  @Test
  void a_body_past_the_cap_keeps_exactly_its_first_bytes() {
    String a = text(700, 'a');
    String b = text(30_000, 'A');
    pieces = new byte[][] {a.getBytes(), b.getBytes(), text(5_000, 'a').getBytes()};
    assertThat(post()).isEqualTo((a + b).substring(0, CAP));
  }
}
