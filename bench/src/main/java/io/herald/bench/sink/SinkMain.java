package io.herald.bench.sink;

import io.herald.signature.WebhookSecret;
import io.herald.signature.WebhookVerifier;
import java.io.IOException;
import java.time.Duration;

/**
 * {@code sink <secret> <max-lifetime-seconds>}: the receiving process. Prints {@code sink listening on <port>} and
 * serves until told to stop, until its standard input closes (the harness died), or at the latest after its
 * lifetime.
 */
public final class SinkMain {
  private SinkMain() {}

  public static void main(String[] args) throws IOException {
    WebhookVerifier verifier = WebhookVerifier.of(WebhookSecret.parse(args[0]));
    long lifetime = Duration.ofSeconds(Long.parseLong(args[1])).toNanos();
    SinkServer server = new SinkServer(verifier, lifetime);
    Thread.ofPlatform().daemon().name("sink-stdin").start(() -> {
      try {
        while (System.in.read() >= 0) {
          // the harness never writes; EOF means it is gone
        }
      } catch (IOException ignored) {
        // same as EOF
      }
      server.stop();
    });
    System.out.println("sink listening on " + server.port());
    System.out.flush();
    server.run();
    System.exit(0);
  }
}
