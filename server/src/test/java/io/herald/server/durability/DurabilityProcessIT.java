package io.herald.server.durability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.standardwebhooks.Webhook;
import io.herald.server.testing.HeraldProcess;
import io.herald.server.testing.ReceivedRequest;
import io.herald.server.testing.ScriptedReceiver;
import io.herald.server.testing.ScriptedReceiver.Exchange;
import io.herald.server.testing.TestServer.Reply;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Herald's at-least-once promise against real processes: a message the API answered 202 reaches its endpoint at
 * least once even when the server is killed with SIGKILL and restarted on the same data directory, and every copy
 * of it carries the same webhook-id and the same body bytes.
 *
 * <p>Runs the packaged jar ({@code herald.jar}) as a child process, so it runs under failsafe after {@code package}.
 */
class DurabilityProcessIT {
  private static final String HOOK = "/hook";
  private static final int POSTERS = 6;
  private static final Duration DELIVERY_DEADLINE = Duration.ofSeconds(30);

  private final List<HeraldProcess> processes = new ArrayList<>();
  private ScriptedReceiver receiver;
  private Path dataDir;
  private Path log;
  private HeraldProcess herald;
  private String secret;
  private String endpointId;
  private ExecutorService posters;
  private long startNanos;
  private String testName;

  @BeforeEach
  void setUp(TestInfo info) throws IOException {
    startNanos = System.nanoTime();
    testName = info.getTestMethod().orElseThrow().getName();
    dataDir = Files.createTempDirectory("herald-durability-");
    log = HeraldProcess.jar().getParent().resolve("herald-process-logs")
        .resolve(getClass().getSimpleName() + "-" + info.getTestMethod().orElseThrow().getName() + ".log");
    Files.deleteIfExists(log);
    receiver = ScriptedReceiver.start();
    posters = Executors.newFixedThreadPool(POSTERS);
  }

  @AfterEach
  void tearDown() throws IOException {
    posters.shutdownNow();
    processes.forEach(HeraldProcess::close);
    receiver.close();
    if (dataDir != null) {
      try (Stream<Path> files = Files.walk(dataDir)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  /**
   * The receiver is down (503) while the messages are accepted, so every one of them is in the retry schedule when
   * the process is killed; after the restart the receiver recovers and every accepted message must arrive.
   * Recovery rests on what the dead process wrote: attempts counted, next retry times and claims it left behind.
   */
  @Test
  void messages_accepted_while_the_receiver_is_down_survive_sigkill_during_retries() throws Exception {
    final int n = 300;
    receiver.on(HOOK).respond(503);
    startHerald();
    createEndpoint();

    Map<Integer, Reply> replies = new ConcurrentHashMap<>();
    List<Future<?>> posts = IntStream.range(0, n)
        .<Future<?>>mapToObj(i -> posters.submit(() -> replies.put(i, postMessage(herald, i))))
        .toList();
    for (var f : posts) {
      f.get(30, TimeUnit.SECONDS);
    }
    Map<String, String> accepted = new HashMap<>();
    replies.forEach((i, r) -> {
      assertThat(r.status()).as("POST of message %d: %s", i, r).isEqualTo(202);
      accepted.put(r.field("id"), payload(i));
    });
    assertThat(accepted).hasSize(n);
    phase(n + " messages accepted");

    // Kill once every message has been retried at least once (its first attempt and one retry failed): the process
    // is in the middle of its retries, with most of the schedule (ten retries over ~9 s) still ahead.
    awaitOrDump("every message retried", Duration.ofSeconds(20), () -> {
      Map<String, Long> tries = receiver.exchanges().stream()
          .collect(Collectors.groupingBy(e -> e.request().header("webhook-id"), Collectors.counting()));
      long notRetried = accepted.keySet().stream().filter(id -> tries.getOrDefault(id, 0L) < 2).count();
      assertThat(notRetried).as("messages not retried yet").isZero();
    });
    long pid = herald.pid();
    herald.kill9();
    phase("SIGKILLed");
    int seenBeforeKill = receiver.exchanges().size();

    startHerald();
    assertThat(herald.pid()).isNotEqualTo(pid);
    receiver.on(HOOK).respond(200);

    awaitAllDelivered(accepted.keySet());
    phase("receiver has every accepted message");
    awaitHeraldSettled(n, n);
    phase("Herald records every delivery as a success");
    Stats stats = verify(accepted, Set.copyOf(accepted.values()));
    assertThat(stats.deliveredOk).isEqualTo(n);
    report("receiver down, SIGKILL while retrying", n, 0, stats,
        "requests before the kill " + seenBeforeKill);
  }

  /**
   * Producers post continuously and the process is killed mid-stream. Requests that got 202 must all be delivered;
   * requests cut off by the kill were never accepted and may or may not be delivered, but whatever arrives must be
   * consistent.
   *
   * <p>Until the kill the receiver takes 250 ms per request and Herald may have 8 requests in flight to it and 64
   * deliveries in memory, so delivery falls behind ingest and the kill catches deliveries in every state: done, in
   * flight (the receiver has the request, Herald never sees the answer), queued in memory (claimed by the dead
   * process, never attempted) and left unclaimed in the table by ingest for the poller.
   */
  @Test
  void messages_accepted_right_up_to_a_sigkill_during_ingest_are_delivered() throws Exception {
    receiver.on(HOOK).delay(Duration.ofMillis(250)).respond(200);
    Map<String, String> tight = Map.of("HERALD_MAX_IN_FLIGHT", "64", "HERALD_MAX_IN_FLIGHT_PER_ENDPOINT", "8");
    startHerald(tight);
    createEndpoint();
    phase("posting");

    HeraldProcess target = herald;
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger next = new AtomicInteger();
    Map<String, String> accepted = new ConcurrentHashMap<>();
    Set<String> posted = ConcurrentHashMap.newKeySet();
    Set<Integer> cutOff = ConcurrentHashMap.newKeySet();
    List<String> unexpected = new CopyOnWriteArrayList<>();
    for (int t = 0; t < POSTERS; t++) {
      posters.submit(() -> {
        while (!stop.get()) {
          int i = next.getAndIncrement();
          posted.add(payload(i));
          try {
            Reply r = postMessage(target, i);
            if (r.status() == 202) {
              accepted.put(r.field("id"), payload(i));
            } else {
              unexpected.add(i + ": " + r);
            }
          } catch (UncheckedIOException e) {
            cutOff.add(i); // no answer: the process died under the request (or before it)
          }
        }
      });
    }

    awaitOrDump("200 messages accepted", Duration.ofSeconds(20),
        () -> assertThat(accepted.size()).isGreaterThanOrEqualTo(200));
    herald.kill9();
    phase("SIGKILLed");
    receiver.on(HOOK).respond(200);
    int acceptedAtKill = accepted.size();
    long receivedAtKill = receiver.exchanges().stream().map(e -> e.request().header("webhook-id")).distinct().count();
    stop.set(true);
    posters.shutdown();
    assertThat(posters.awaitTermination(20, TimeUnit.SECONDS)).as("posters stop after the kill").isTrue();
    assertThat(unexpected).as("answers other than 202 before the kill").isEmpty();
    Map<String, String> acceptedBeforeKill = Map.copyOf(accepted);

    startHerald(tight);
    awaitAllDelivered(acceptedBeforeKill.keySet());
    phase("receiver has every accepted message");
    // Requests cut off by the kill may have been committed; those messages must be delivered too, not left behind.
    awaitHeraldSettled(acceptedBeforeKill.size(), acceptedBeforeKill.size() + cutOff.size());
    phase("Herald records every delivery as a success");
    Stats stats = verify(acceptedBeforeKill, Set.copyOf(posted));
    report("SIGKILL during ingest", acceptedBeforeKill.size(), cutOff.size(), stats,
        "posted " + posted.size() + "; at the kill " + acceptedAtKill + " accepted, " + receivedAtKill
            + " received by the receiver");
  }

  // ---- helpers ----

  private void startHerald() {
    startHerald(Map.of());
  }

  private void startHerald(Map<String, String> overrides) {
    herald = HeraldProcess.start(HeraldProcess.env(dataDir, overrides), log);
    processes.add(herald);
    phase("Herald healthy, pid " + herald.pid());
  }

  /** Prints how far into the test a step was reached, so a slow run shows where the time went. */
  private void phase(String what) {
    System.out.printf("[durability] %s +%d ms: %s%n", testName, (System.nanoTime() - startNanos) / 1_000_000, what);
  }

  private void createEndpoint() {
    Reply app = herald.post("/api/v1/app", "{\"name\":\"Durability\",\"uid\":\"durable\"}");
    assertThat(app.status()).as(app.toString()).isEqualTo(201);
    Reply ep = herald.post("/api/v1/app/durable/endpoint", "{\"url\":\"" + receiver.url(HOOK) + "\"}");
    assertThat(ep.status()).as(ep.toString()).isEqualTo(201);
    endpointId = ep.field("id");
    Reply key = herald.get("/api/v1/app/durable/endpoint/" + endpointId + "/secret");
    assertThat(key.status()).as(key.toString()).isEqualTo(200);
    secret = key.field("key");
  }

  /**
   * The payload of message {@code i}: unique, ASCII (so the string is its bytes), and spaced so that any
   * re-serialization would show.
   */
  private static String payload(int i) {
    return "{\"n\": " + i + "}";
  }

  private static Reply postMessage(HeraldProcess to, int i) {
    return to.post("/api/v1/app/durable/msg", "{\"eventType\":\"durability.test\",\"payload\":" + payload(i) + "}");
  }

  /**
   * Ids that reached the receiver in a request it answered with a 2xx. "Answered" is the receiver's decision, taken
   * when the request has been read: if Herald dies before the answer reaches it, Herald has not recorded the delivery
   * and sends it again, which {@link #awaitHeraldSettled} and the duplicate checks in {@link #verify} cover.
   */
  private Set<String> deliveredIds() {
    return receiver.exchanges().stream()
        .filter(e -> e.status() / 100 == 2)
        .map(e -> e.request().header("webhook-id"))
        .collect(Collectors.toSet());
  }

  private void awaitAllDelivered(Set<String> ids) {
    awaitOrDump("every accepted message delivered with a 2xx answer", DELIVERY_DEADLINE, () -> {
      Set<String> missing = new TreeSet<>(ids);
      missing.removeAll(deliveredIds());
      assertThat(missing.size())
          .as(() -> missing.size() + " of " + ids.size() + " accepted messages not delivered yet, e.g. "
              + missing.stream().limit(5).toList())
          .isZero();
    });
  }

  /**
   * Herald's own view: every delivery ended as a success, none is pending (stuck) or failed, and there is one per
   * message, between {@code min} and {@code max} of them.
   */
  private void awaitHeraldSettled(int min, int max) {
    awaitOrDump("Herald recording every delivery as a success", Duration.ofSeconds(15), () -> {
      Reply stats = herald.get("/api/v1/app/durable/endpoint/" + endpointId + "/stats");
      assertThat(stats.status()).as(stats.toString()).isEqualTo(200);
      assertThat(stats.json().path("pending").asLong()).as("pending deliveries: %s", stats).isZero();
      assertThat(stats.json().path("fail").asLong()).as("failed deliveries: %s", stats).isZero();
      assertThat(stats.json().path("success").asLong()).as("successful deliveries: %s", stats)
          .isBetween((long) min, (long) max);
    });
  }

  private void awaitOrDump(String what, Duration atMost, org.awaitility.core.ThrowingRunnable assertion) {
    try {
      await(what).atMost(atMost).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(50)).untilAsserted(assertion);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(e.getMessage() + "\n--- Herald log (" + log + ") ---\n" + herald.logTail(), e);
    }
  }

  private record Stats(int requests, int deliveredOk, int duplicateIds, int extraCopies, int unacceptedDelivered) {}

  /**
   * Checks every request the receiver got: a known payload, one body and one webhook-id per message, one webhook-id
   * per payload, a valid signature; and every accepted message's body is exactly what was posted.
   */
  private Stats verify(Map<String, String> accepted, Set<String> posted) throws Exception {
    List<Exchange> all = receiver.exchanges();
    Webhook webhook = new Webhook(secret);
    Map<String, Set<String>> bodiesById = new HashMap<>();
    Map<String, Set<String>> idsByBody = new HashMap<>();
    Map<String, Integer> okCopies = new HashMap<>();
    for (Exchange e : all) {
      ReceivedRequest r = e.request();
      assertThat(r.method()).isEqualTo("POST");
      assertThat(r.path()).isEqualTo(HOOK);
      String id = r.header("webhook-id");
      assertThat(id).as("webhook-id of %s", r).isNotNull();
      String body = new String(r.body(), StandardCharsets.ISO_8859_1); // one char per byte: equal strings, equal bytes
      assertThat(posted).as("body of %s is one of the posted payloads", id).contains(body);
      bodiesById.computeIfAbsent(id, k -> new HashSet<>()).add(body);
      idsByBody.computeIfAbsent(body, k -> new HashSet<>()).add(id);
      if (e.status() / 100 == 2) {
        okCopies.merge(id, 1, Integer::sum);
      }
      webhook.verify(r.bodyText(), HttpHeaders.of(Map.of(
          "webhook-id", List.of(id),
          "webhook-timestamp", List.of(r.header("webhook-timestamp")),
          "webhook-signature", List.of(r.header("webhook-signature"))), (a, b) -> true));
    }
    bodiesById.forEach((id, bodies) ->
        assertThat(bodies).as("every copy of %s has the same body", id).hasSize(1));
    idsByBody.forEach((body, ids) ->
        assertThat(ids).as("payload %s is delivered under a single webhook-id", body).hasSize(1));
    accepted.forEach((id, payload) -> {
      assertThat(okCopies.getOrDefault(id, 0)).as("2xx deliveries of accepted %s", id).isPositive();
      assertThat(bodiesById.get(id)).as("body of %s", id).containsExactly(payload);
    });
    int duplicateIds = (int) okCopies.values().stream().filter(c -> c > 1).count();
    int extraCopies = okCopies.values().stream().mapToInt(c -> c - 1).sum();
    int unacceptedDelivered = (int) okCopies.keySet().stream().filter(id -> !accepted.containsKey(id)).count();
    int deliveredOk = (int) okCopies.keySet().stream().filter(accepted::containsKey).count();
    return new Stats(all.size(), deliveredOk, duplicateIds, extraCopies, unacceptedDelivered);
  }

  private static void report(String scenario, int accepted, int cutOff, Stats s, String more) {
    System.out.printf("[durability] %s: accepted %d, delivered %d (2xx), requests %d, ids delivered more than "
            + "once %d (%d extra 2xx copies), cut off by the kill %d (of which delivered anyway %d); %s%n",
        scenario, accepted, s.deliveredOk, s.requests, s.duplicateIds, s.extraCopies, cutOff, s.unacceptedDelivered,
        more);
  }
}
