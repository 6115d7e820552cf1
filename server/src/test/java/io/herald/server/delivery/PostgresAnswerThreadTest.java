package io.herald.server.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.server.testing.ReceivedRequest;
import io.herald.server.testing.ScriptedReceiver;
import io.herald.server.testing.TestPostgres;
import io.herald.server.testing.TestServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Answers are read, and what follows them runs, on the HTTP client's network thread (see {@link HttpSender}), which
 * serves every endpoint. A store read there would hold up every other endpoint's answers for as long as the store
 * makes it wait. On PostgreSQL a table lock makes the read wait as long as the test likes.
 */
class PostgresAnswerThreadTest {
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
  void an_endpoint_read_after_an_answer_waits_on_a_virtual_thread_not_on_the_network_thread() throws Exception {
    Map<String, String> db = TestPostgres.freshDatabase();
    herald = TestServer.start(db, Map.of("HERALD_MAX_IN_FLIGHT_PER_ENDPOINT", "1", "HERALD_RETRY_SCHEDULE", ""));
    herald.post("/api/v1/app", "{\"name\":\"Acme\",\"uid\":\"acme\"}");
    String endpoint = herald.post("/api/v1/app/acme/endpoint", "{\"url\":\"" + receiver.url("/a") + "\"}")
        .field("id");
    Duration thinking = Duration.ofMillis(1000);
    receiver.on("/a").delay(thinking).respond(200);
    herald.post("/api/v1/app/acme/msg", "{\"eventType\":\"e\",\"payload\":{}}");
    herald.post("/api/v1/app/acme/msg", "{\"eventType\":\"e\",\"payload\":{}}"); // waits in the lane
    ReceivedRequest first = receiver.awaitCount(1, Duration.ofSeconds(5)).get(0);
    // The endpoint's settings change, so its next attempt must read them again.
    assertThat(herald.patch("/api/v1/app/acme/endpoint/" + endpoint, "{\"description\":\"changed\"}").status())
        .isEqualTo(200);
    try (Connection lock = DriverManager.getConnection(db.get("HERALD_DATABASE_URL"));
        Statement st = lock.createStatement()) {
      lock.setAutoCommit(false);
      st.execute("LOCK TABLE endpoint IN ACCESS EXCLUSIVE MODE"); // every read of an endpoint now waits
      Instant answered = first.receivedAt().plus(thinking);
      assertThat(Instant.now()).as("locked before the receiver answered").isBefore(answered);
      Instant until = answered.plusMillis(1500);
      while (Instant.now().isBefore(until)) {
        assertThat(platformThreadsReadingEndpoints()).as("platform threads waiting on an endpoint read").isEmpty();
        Thread.sleep(50);
      }
      assertThat(receiver.requestsTo("/a")).as("the next attempt waits for the endpoint's settings").hasSize(1);
      lock.rollback();
    }
    await().atMost(Duration.ofSeconds(10)).untilAsserted(
        () -> assertThat(receiver.requestsTo("/a")).as("sent once the store answers").hasSize(2));
  }

  /** Platform threads (the HTTP client's among them) with an endpoint read on their stack; virtual ones are not listed. */
  private static List<String> platformThreadsReadingEndpoints() {
    return Thread.getAllStackTraces().entrySet().stream()
        .filter(e -> Arrays.stream(e.getValue()).anyMatch(f -> f.getClassName().endsWith("EndpointRepository")))
        .map(e -> e.getKey().getName())
        .toList();
  }
}
