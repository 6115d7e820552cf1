package io.herald.server.message;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.server.store.Ids;
import io.herald.server.testing.ReceivedRequest;
import io.herald.server.testing.ScriptedReceiver;
import io.herald.server.testing.TestServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A fan-out that a process left half done is finished by the next start, as it would have been finished. */
class FanOutTest {
  ScriptedReceiver receiver = ScriptedReceiver.start();
  TestServer herald = TestServer.start(Map.of());

  @AfterEach
  void stop() {
    herald.close();
    receiver.close();
  }

  /**
   * The store as a process leaves it when it dies between two chunks: the message and its {@code fanout} row, whose
   * cursor says the endpoints up to the fifth (in id order) have their deliveries. One of the rest already has a
   * delivery too (a resend made it first), and one endpoint was created after the message. The next start sends the
   * message to each endpoint past the cursor except those two, once.
   */
  @Test
  void an_unfinished_fan_out_is_finished_by_the_next_start() throws Exception {
    String appId = herald.post("/api/v1/app", "{\"name\":\"Acme\",\"uid\":\"acme\"}").field("id");
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < FanOut.INLINE_MAX + 4; i++) {
      ids.add(endpoint("/fan/" + i));
    }
    Thread.sleep(5);
    long acceptedAt = System.currentTimeMillis();
    Thread.sleep(5);
    String late = endpoint("/late");
    List<String> sorted = ids.stream().sorted().toList();
    String cursor = sorted.get(4);
    String resent = sorted.get(7);
    String msgId = Ids.next("msg", acceptedAt);

    herald.restart(() -> {
      try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + herald.dataDir().resolve("herald.db"))) {
        run(c, "INSERT INTO message (id, app_id, event_type, payload, created_at) VALUES (?, ?, 'order.created', ?, ?)",
            msgId, appId, "{\"n\":1}".getBytes(), acceptedAt);
        run(c, "INSERT INTO fanout (msg_id, after_endpoint, created_at) VALUES (?, ?, ?)", msgId, cursor, acceptedAt);
        run(c, "INSERT INTO delivery (msg_id, endpoint_id, app_id, status, attempts, manual, created_at, updated_at) "
            + "VALUES (?, ?, ?, 0, 1, 1, ?, ?)", msgId, resent, appId, acceptedAt, acceptedAt);
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
    });

    int expected = sorted.size() - 5 - 1;
    List<ReceivedRequest> got = receiver.awaitCount(expected, Duration.ofSeconds(10));
    Thread.sleep(300); // time for a wrong extra delivery to show
    List<String> paths = receiver.requests().stream().map(ReceivedRequest::pathWithoutQuery).toList();
    List<String> wanted = new ArrayList<>();
    for (int i = 0; i < ids.size(); i++) {
      if (ids.get(i).compareTo(cursor) > 0 && !ids.get(i).equals(resent)) {
        wanted.add("/fan/" + i);
      }
    }
    assertThat(paths).containsExactlyInAnyOrderElementsOf(wanted);
    assertThat(got).extracting(r -> r.header("webhook-id")).containsOnly(msgId);
    assertThat(herald.get("/api/v1/app/acme/msg/" + msgId + "/endpoint?limit=250").json().path("data"))
        .extracting(n -> n.path("id").asText()).doesNotContain(late).hasSize(expected + 1);
  }

  private String endpoint(String path) {
    return herald.post("/api/v1/app/acme/endpoint", "{\"url\":\"" + receiver.url(path) + "\"}").field("id");
  }

  private static void run(Connection c, String sql, Object... args) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      ps.executeUpdate();
    }
  }
}
