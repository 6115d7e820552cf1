package io.herald.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.server.testing.ReceivedRequest;
import io.herald.server.testing.ScriptedReceiver;
import io.herald.server.testing.TestPostgres;
import io.herald.server.testing.TestServer;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two processes on one PostgreSQL, both polling only once a minute: when one is saturated and leaves new deliveries
 * unclaimed, its NOTIFY wakes the idle one, which delivers them at once.
 */
class PostgresNotifyTest {
  final ScriptedReceiver receiver = ScriptedReceiver.start();
  TestServer busy;
  TestServer idle;

  @AfterEach
  void stop() {
    if (busy != null) {
      busy.close();
    }
    if (idle != null) {
      idle.close();
    }
    receiver.close();
  }

  @Test
  void an_idle_process_wakes_on_notify_and_takes_the_work_a_saturated_one_left() {
    Map<String, String> settings = new HashMap<>(TestPostgres.freshDatabase());
    settings.put("HERALD_POLL_INTERVAL_MS", "60000");
    settings.put("HERALD_DELIVERY_TIMEOUT_SECONDS", "8");
    settings.put("HERALD_LEASE_SECONDS", "20");
    idle = TestServer.start(settings);
    settings.put("HERALD_MAX_IN_FLIGHT", "1"); // one delivery in memory: everything after it waits in the table
    busy = TestServer.start(settings);
    busy.post("/api/v1/app", "{\"name\":\"a\",\"uid\":\"acme\"}");
    busy.post("/api/v1/app/acme/endpoint", "{\"url\":\"" + receiver.url("/hook") + "\"}");
    receiver.on("/hook").delay(Duration.ofSeconds(6)).respond(200);
    busy.post("/api/v1/app/acme/msg", "{\"eventType\":\"e\",\"payload\":{\"slow\":true}}");
    receiver.awaitCount(1, Duration.ofSeconds(5)); // the busy process's only slot is now taken for 6 s
    receiver.on("/hook").respond(200); // later requests are answered at once
    Instant posted = Instant.now();
    for (int i = 0; i < 4; i++) {
      assertThat(busy.post("/api/v1/app/acme/msg", "{\"eventType\":\"e\",\"payload\":{\"i\":" + i + "}}").status())
          .isEqualTo(202);
    }

    List<ReceivedRequest> got = receiver.awaitCount(5, Duration.ofSeconds(4));
    ReceivedRequest last = got.get(got.size() - 1);
    assertThat(Duration.between(posted, last.receivedAt()))
        .as("delivered by the idle process long before either process's minute-long poll")
        .isLessThan(Duration.ofMillis(3000));
  }
}
