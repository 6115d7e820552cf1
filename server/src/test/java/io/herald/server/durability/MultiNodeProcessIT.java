package io.herald.server.durability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.server.testing.HeraldProcess;
import io.herald.server.testing.ScriptedReceiver;
import io.herald.server.testing.ScriptedReceiver.Exchange;
import io.herald.server.testing.TestPostgres;
import io.herald.server.testing.TestServer.Reply;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three Herald processes on one PostgreSQL, messages ingested through all three, one killed with SIGKILL mid-run:
 * every accepted message is delivered, and only deliveries the killed process had in flight are sent twice, with the
 * same webhook-id and body.
 */
class MultiNodeProcessIT {
  static final int LEASE_SECONDS = 5;

  final List<HeraldProcess> nodes = new ArrayList<>();
  @TempDir Path dataDirs;
  final ScriptedReceiver receiver = ScriptedReceiver.start();
  final ExecutorService posters = Executors.newFixedThreadPool(6);

  @AfterEach
  void stop() throws Exception {
    posters.shutdownNow();
    posters.awaitTermination(10, TimeUnit.SECONDS);
    nodes.forEach(HeraldProcess::close);
    receiver.close();
  }

  @Test
  void every_accepted_message_is_delivered_when_one_of_three_processes_is_killed() throws Exception {
    Map<String, String> settings = new HashMap<>(TestPostgres.freshDatabase());
    settings.put("HERALD_LEASE_SECONDS", Integer.toString(LEASE_SECONDS));
    settings.put("HERALD_DELIVERY_TIMEOUT_SECONDS", "2");
    settings.put("HERALD_MAX_IN_FLIGHT", "64");
    settings.put("HERALD_MAX_IN_FLIGHT_PER_ENDPOINT", "2");
    Path logs = HeraldProcess.jar().getParent().resolve("herald-process-logs");
    for (int i = 0; i < 3; i++) {
      Path dataDir = Files.createDirectories(dataDirs.resolve("node-" + i));
      nodes.add(HeraldProcess.start(HeraldProcess.env(dataDir, settings), logs.resolve("MultiNode-" + i + ".log")));
    }
    HeraldProcess first = nodes.get(0);
    assertThat(first.post("/api/v1/app", "{\"name\":\"a\",\"uid\":\"acme\"}").status()).isEqualTo(201);
    assertThat(first.post("/api/v1/app/acme/endpoint", "{\"url\":\"" + receiver.url("/hook") + "\"}").status())
        .isEqualTo(201);
    // Slow answers keep deliveries in flight and queued, so the kill catches some.
    receiver.on("/hook").delay(Duration.ofMillis(300)).respond(200);

    Map<String, String> accepted = new ConcurrentHashMap<>();
    Set<String> acceptedByVictim = ConcurrentHashMap.newKeySet();
    AtomicInteger counter = new AtomicInteger();
    AtomicBoolean posting = new AtomicBoolean(true);
    for (int t = 0; t < 6; t++) {
      posters.submit(() -> {
        while (posting.get()) {
          int n = counter.incrementAndGet();
          HeraldProcess node = nodes.get(n % 3);
          if (!node.isAlive()) {
            continue;
          }
          String payload = "{\"n\":" + n + "}";
          try {
            Reply r = node.post("/api/v1/app/acme/msg", "{\"eventType\":\"e\",\"payload\":" + payload + "}");
            if (r.status() == 202) {
              accepted.put(r.field("id"), payload);
              if (node == nodes.get(1)) {
                acceptedByVictim.add(r.field("id"));
              }
            }
          } catch (RuntimeException connectionLost) {
            // not accepted: the killed node never answered
          }
        }
        return null;
      });
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> accepted.size() >= 150);
    HeraldProcess victim = nodes.get(1);
    Instant killedAt = Instant.now();
    victim.kill9();
    receiver.on("/hook").respond(200);
    await().atMost(Duration.ofSeconds(30)).until(() -> accepted.size() >= 300);
    posting.set(false);

    await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
        assertThat(delivered(receiver.exchanges())).containsAll(accepted.keySet()));

    Map<String, List<Exchange>> byId = receiver.exchanges().stream()
        .collect(Collectors.groupingBy(e -> e.request().header("webhook-id")));
    for (var entry : byId.entrySet()) {
      Set<String> bodies = entry.getValue().stream().map(e -> e.request().bodyText()).collect(Collectors.toSet());
      assertThat(bodies).as(entry.getKey()).hasSize(1);
      if (accepted.containsKey(entry.getKey())) {
        assertThat(bodies).containsOnly(accepted.get(entry.getKey()));
      }
    }
    List<String> duplicated = byId.entrySet().stream()
        .filter(e -> e.getValue().stream().filter(x -> x.status() / 100 == 2).count() > 1)
        .map(Map.Entry::getKey).toList();
    for (String id : duplicated) {
      // A second copy only for what the killed process had taken before it died.
      assertThat(byId.get(id).get(0).request().receivedAt()).as(id).isBefore(killedAt.plusMillis(500));
    }
    assertThat(duplicated.size()).isLessThanOrEqualTo(64);

    // How long the killed process's unfinished deliveries waited: from the kill to their first copy after it.
    long maxWaitMs = acceptedByVictim.stream()
        .map(byId::get)
        .filter(copies -> copies.stream().noneMatch(c -> c.status() / 100 == 2 && c.request().receivedAt().isBefore(killedAt)))
        .mapToLong(copies -> Duration.between(killedAt, copies.stream().map(c -> c.request().receivedAt())
            .filter(at -> at.isAfter(killedAt)).min(Instant::compareTo).orElseThrow()).toMillis())
        .max().orElse(0);
    System.out.printf("multi-node: %d accepted (%d by the killed process), %d duplicated, the killed process's "
        + "unfinished deliveries delivered by the others at most %d ms after the kill (lease %d s)%n",
        accepted.size(), acceptedByVictim.size(), duplicated.size(), maxWaitMs, LEASE_SECONDS);
    Files.writeString(logs.resolve("MultiNode-summary.txt"), "accepted=" + accepted.size() + " duplicated="
        + duplicated.size() + " redeliveryWaitMs=" + maxWaitMs + "\n", StandardCharsets.UTF_8);
  }

  private static Set<String> delivered(List<Exchange> exchanges) {
    return exchanges.stream().filter(e -> e.status() / 100 == 2).map(e -> e.request().header("webhook-id"))
        .collect(Collectors.toSet());
  }
}
