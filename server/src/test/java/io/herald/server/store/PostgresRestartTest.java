package io.herald.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.server.testing.ScriptedReceiver;
import io.herald.server.testing.TestServer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PostgreSQL restarts under a running Herald: clean 503s meanwhile, reconnection by itself, nothing lost. */
class PostgresRestartTest {
  @TempDir Path pgData;
  int pgPort;
  EmbeddedPostgres pg;
  TestServer herald;
  ScriptedReceiver receiver = ScriptedReceiver.start();

  EmbeddedPostgres startPostgres() throws IOException {
    return EmbeddedPostgres.builder()
        .setDataDirectory(pgData)
        .setCleanDataDirectory(false)
        .setPort(pgPort)
        .setServerConfig("listen_addresses", "127.0.0.1")
        .start();
  }

  @AfterEach
  void stop() throws IOException {
    if (herald != null) {
      herald.close();
    }
    if (pg != null) {
      pg.close();
    }
    receiver.close();
  }

  @Test
  void herald_reconnects_after_a_database_restart_and_loses_nothing() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      pgPort = s.getLocalPort();
    }
    pg = startPostgres();
    herald = TestServer.start(Map.of(
        "HERALD_DATABASE_URL", "jdbc:postgresql://127.0.0.1:" + pgPort + "/postgres?user=postgres",
        "HERALD_RETRY_SCHEDULE", "0.2,0.2,0.5,1,1,1,1,1,1,1"));
    herald.post("/api/v1/app", "{\"name\":\"a\",\"uid\":\"acme\"}");
    herald.post("/api/v1/app/acme/endpoint", "{\"url\":\"" + receiver.url("/hook") + "\"}");
    receiver.on("/hook").respond(500);

    Set<String> accepted = new HashSet<>();
    for (int i = 0; i < 20; i++) {
      var r = herald.post("/api/v1/app/acme/msg", "{\"eventType\":\"e\",\"payload\":{\"i\":" + i + "}}");
      assertThat(r.status()).isEqualTo(202);
      accepted.add(r.field("id"));
    }
    receiver.awaitCount(20, Duration.ofSeconds(10));

    pg.close();
    var during = herald.post("/api/v1/app/acme/msg", "{\"eventType\":\"e\",\"payload\":{}}");
    assertThat(during.status()).isEqualTo(503);
    assertThat(during.field("code")).isEqualTo("store_unavailable");
    assertThat(herald.get("/api/v1/health").status()).isEqualTo(503);

    pg = startPostgres();
    receiver.on("/hook").respond(200);
    await().atMost(Duration.ofSeconds(30)).until(() -> herald.get("/api/v1/health").status() == 204);
    for (int i = 0; i < 20; i++) {
      var r = herald.post("/api/v1/app/acme/msg", "{\"eventType\":\"e\",\"payload\":{\"after\":" + i + "}}");
      assertThat(r.status()).isEqualTo(202);
      accepted.add(r.field("id"));
    }

    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      for (String id : accepted) {
        var states = herald.get("/api/v1/app/acme/msg/" + id + "/endpoint").json().path("data");
        assertThat(states.get(0).path("statusText").asText()).as(id).isEqualTo("success");
      }
    });
    Set<String> received = receiver.requests().stream().map(r -> r.header("webhook-id")).collect(Collectors.toSet());
    assertThat(received).containsAll(accepted);
  }
}
