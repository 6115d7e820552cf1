package io.herald.server.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.server.testing.ReceivedRequest;
import io.herald.server.testing.ScriptedReceiver;
import io.herald.server.testing.TestServer;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An endpoint's {@code throttleRate} (Svix's name; {@code rateLimit} is accepted too) caps its attempts per second.
 * 30 messages to an endpoint throttled at 20/s cannot all arrive in less than (30 - 2) / 20 = 1.4 s (2 is the burst,
 * a tenth of a second's worth); unthrottled they arrive within milliseconds of each other.
 */
class ThrottleRateTest {
  ScriptedReceiver receiver = ScriptedReceiver.start();
  TestServer herald;

  @AfterEach
  void stop() {
    if (herald != null) {
      herald.close();
    }
    receiver.close();
  }

  @Test
  void a_throttled_endpoint_gets_no_more_than_its_rate() {
    herald = TestServer.start(Map.of(), Map.of());
    herald.post("/api/v1/app", "{\"name\":\"slowly\",\"uid\":\"slowly\"}");
    TestServer.Reply ep = herald.post("/api/v1/app/slowly/endpoint",
        "{\"url\":\"" + receiver.url("/slowly") + "\",\"throttleRate\":20}");
    assertThat(ep.status()).as(ep.toString()).isEqualTo(201);
    receiver.on("/slowly").respond(200);
    for (int i = 0; i < 30; i++) {
      TestServer.Reply r = herald.post("/api/v1/app/slowly/msg",
          "{\"eventType\":\"e\",\"eventId\":\"m-" + i + "\",\"payload\":{\"n\":" + i + "}}");
      assertThat(r.status()).as(r.toString()).isEqualTo(202);
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (receiver.requestsTo("/slowly").size() < 30 && System.nanoTime() < deadline) {
      sleep(10);
    }
    List<ReceivedRequest> got = receiver.requestsTo("/slowly").stream()
        .sorted(Comparator.comparing(ReceivedRequest::receivedAt)).toList();
    assertThat(got).hasSize(30);
    Map<String, Long> perMessage = got.stream()
        .collect(Collectors.groupingBy(r -> r.header("webhook-id"), HashMap::new, Collectors.counting()));
    assertThat(perMessage.values()).as("each message once").hasSize(30).allMatch(n -> n == 1);
    Duration spread = Duration.between(got.get(0).receivedAt(), got.get(29).receivedAt());
    assertThat(spread).as("30 attempts at 20/s").isGreaterThanOrEqualTo(Duration.ofMillis(1_200));
    for (int i = 10; i < 30; i++) {
      Duration window = Duration.between(got.get(i - 10).receivedAt(), got.get(i).receivedAt());
      assertThat(window).as("any 11 consecutive attempts span at least 10 intervals minus the burst")
          .isGreaterThanOrEqualTo(Duration.ofMillis(250));
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }
}
