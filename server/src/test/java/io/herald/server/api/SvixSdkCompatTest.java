package io.herald.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.herald.server.testing.ReceivedRequest;
import io.herald.server.testing.ScriptedReceiver;
import io.herald.server.testing.TestServer;
import io.herald.signature.WebhookSecret;
import io.herald.signature.WebhookVerifier;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Drives Herald with the official Svix JavaScript SDK ({@code svix} 2.5.0 from npm, pinned in
 * {@code src/test/svix-js/package-lock.json}): {@code compat.mjs} creates applications, event types and an endpoint,
 * sends a message, follows its attempts, resends and recovers, asserting every answer the SDK parses. This test then
 * checks the receiving side: the message arrived signed with the endpoint's secret, carrying the custom headers.
 *
 * <p>Needs Node.js 20+ and npm on the PATH; installs the SDK with {@code npm ci} on first run (into the
 * git-ignored {@code node_modules}). {@code COMPAT_KEEP_GOING=1} in the environment makes the script run every step
 * after a failure, to list all incompatibilities at once.
 */
class SvixSdkCompatTest {
  static final Path SCRIPT_DIR = Path.of("src/test/svix-js").toAbsolutePath();
  static final Duration NPM_TIMEOUT = Duration.ofMinutes(5);
  static final Duration SCRIPT_TIMEOUT = Duration.ofSeconds(120);
  /** The SDK calls the global {@code crypto.randomUUID()}, which Node.js has without flags from 19 on; 20 is tested. */
  static final int MIN_NODE_MAJOR = 20;

  ScriptedReceiver receiver;
  TestServer herald;

  @BeforeEach
  void start() {
    receiver = ScriptedReceiver.start();
    herald = TestServer.start();
  }

  @AfterEach
  void stop() {
    if (herald != null) {
      herald.close();
    }
    if (receiver != null) {
      receiver.close();
    }
  }

  @Test
  void the_svix_javascript_sdk_drives_herald_end_to_end() throws Exception {
    Path node = executable("node").orElseThrow(() -> new AssertionError(
        "Node.js is not on the PATH: install Node.js 20+ (with npm) to run the Svix SDK compatibility test, "
            + "e.g. `apt-get install nodejs npm`"));
    String version = exec(List.of(node.toString(), "--version"), Map.of(), Duration.ofSeconds(30)).output().strip();
    assertThat(majorVersion(version)).as("%s is %s: the Svix SDK needs Node.js 20+ (it declares 22+; 20 is tested); "
        + "install a newer Node.js", node, version).isGreaterThanOrEqualTo(MIN_NODE_MAJOR);
    installSdk();

    Run run = exec(List.of(node.toString(), "compat.mjs"), Map.of(
        "HERALD_URL", herald.baseUrl(),
        "HERALD_TOKEN", TestServer.TOKEN,
        "RECEIVER_URL", receiver.url("")), SCRIPT_TIMEOUT);
    System.out.println(run.output());
    assertThat(run.exitCode()).as("node compat.mjs exited %d:%n%s", run.exitCode(), run.output()).isZero();

    JsonNode result = run.output().lines().filter(l -> l.startsWith("RESULT ")).findFirst()
        .map(l -> Json.tree(l.substring("RESULT ".length())))
        .orElseThrow(() -> new AssertionError("compat.mjs printed no RESULT line:\n" + run.output()));
    String appId = result.path("appId").asText();
    String endpointId = result.path("endpointId").asText();
    String msgId = result.path("msgId").asText();

    TestServer.Reply secretReply = herald.get("/api/v1/app/" + appId + "/endpoint/" + endpointId + "/secret");
    assertThat(secretReply.status()).as(secretReply.toString()).isEqualTo(200);
    WebhookVerifier verifier = WebhookVerifier.of(WebhookSecret.parse(secretReply.field("key")));

    // The first delivery and the resend, both to the one endpoint the message was routed to.
    List<ReceivedRequest> deliveries = receiver.requestsTo("/svix").stream()
        .filter(r -> msgId.equals(r.header("webhook-id"))).toList();
    assertThat(deliveries).as("deliveries of %s; all requests: %s", msgId, receiver.requests()).hasSize(2);
    assertThat(receiver.requests()).as("nothing else was delivered").hasSize(2);
    for (ReceivedRequest req : deliveries) {
      assertThat(req.method()).isEqualTo("POST");
      assertThat(verifier.verify(req.headers(), req.body())).isEqualTo(msgId);
      assertThat(Json.MAPPER.readTree(req.body())).isEqualTo(result.path("payload"));
      assertThat(req.header("x-compat")).isEqualTo("yes");
      assertThat(req.header("x-team")).isEqualTo("billing");
      assertThat(req.header("x-extra")).as("deleted by patchHeaders").isNull();
      assertThat(req.header("authorization")).isEqualTo("Bearer receiver-token");
    }
  }

  /**
   * Signatures interoperate both ways with the Svix SDK's {@code Webhook} class: Herald's signer (as used for every
   * delivery, here with two secrets as during a rotation) verifies with svix, and svix's signatures verify with
   * Herald's receiver library.
   */
  @Test
  void signatures_interoperate_with_the_svix_webhook_class() throws Exception {
    Path node = executable("node").orElseThrow(() -> new AssertionError("Node.js 20+ is needed on the PATH"));
    installSdk();
    WebhookSecret secret = WebhookSecret.generate();
    var random = new java.util.Random(42);
    var heraldSigned = Json.MAPPER.createArrayNode();
    long now = java.time.Instant.now().getEpochSecond();
    for (int i = 0; i < 200; i++) {
      String id = "msg_herald" + i;
      String body = "{\"i\": " + i + ", \"r\": " + random.nextLong() + ", \"s\": \"\u00e9\\u00e9 " + i + "\"}";
      String signature = io.herald.signature.WebhookSigner.signatureHeader(
          List.of(WebhookSecret.generate(), secret), id, now, body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      heraldSigned.addObject().put("id", id).put("timestamp", now).put("body", body).put("signature", signature);
    }
    Path input = Files.createTempFile("herald-interop-", ".json");
    Run run;
    try {
      Files.writeString(input, Json.text(Json.MAPPER.createObjectNode().put("secret", secret.reveal())
          .put("count", 200).set("herald", heraldSigned)));
      run = exec(List.of(node.toString(), "webhook-interop.mjs", input.toString()), Map.of(), SCRIPT_TIMEOUT);
    } finally {
      Files.deleteIfExists(input); // it holds the test's signing secret
    }
    assertThat(run.exitCode()).as(run.output()).isZero();
    JsonNode result = Json.tree(run.output().lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElseThrow());
    assertThat(result.path("failures")).as("svix failed to verify Herald's signatures").isEmpty();
    assertThat(result.path("verified").asInt()).isEqualTo(400);

    io.herald.receiver.WebhookReceiver receiver = io.herald.receiver.WebhookReceiver.builder().secret(secret.reveal()).build();
    assertThat(result.path("svix")).hasSize(200);
    for (JsonNode signed : result.path("svix")) {
      Map<String, List<String>> headers = Map.of(
          "svix-id", List.of(signed.path("id").asText()),
          "svix-timestamp", List.of(signed.path("timestamp").asText()),
          "svix-signature", List.of(signed.path("signature").asText()));
      var outcome = receiver.receive(headers, signed.path("body").asText().getBytes(java.nio.charset.StandardCharsets.UTF_8));
      assertThat(outcome).as(signed.toString()).isInstanceOf(io.herald.receiver.ReceiveResult.Accepted.class);
    }
    var tampered = receiver.receive(Map.of(
        "svix-id", List.of(result.path("svix").get(0).path("id").asText()),
        "svix-timestamp", List.of(result.path("svix").get(0).path("timestamp").asText()),
        "svix-signature", List.of(result.path("svix").get(0).path("signature").asText())), "{}".getBytes());
    assertThat(tampered).isInstanceOf(io.herald.receiver.ReceiveResult.Rejected.class);
  }

  private static void installSdk() throws Exception {
    if (Files.isDirectory(SCRIPT_DIR.resolve("node_modules/svix"))) {
      return;
    }
    Path npm = executable("npm").orElseThrow(() -> new AssertionError(
        "npm is not on the PATH: install Node.js 18+ with npm to run the Svix SDK compatibility test"));
    Run install = exec(List.of(npm.toString(), "ci", "--no-audit", "--no-fund"), Map.of(), NPM_TIMEOUT);
    if (install.exitCode() != 0) {
      fail("`npm ci` in " + SCRIPT_DIR + " failed with exit code " + install.exitCode() + ":\n" + install.output());
    }
  }

  private record Run(int exitCode, String output) {}

  /** Runs a command in the script directory, stdout and stderr merged; a timeout kills it and fails the test. */
  private static Run exec(List<String> command, Map<String, String> env, Duration timeout) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(command).directory(SCRIPT_DIR.toFile()).redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
    if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
      String soFar;
      try {
        soFar = output.get(5, TimeUnit.SECONDS);
      } catch (Exception e) {
        soFar = "(unavailable: " + e + ")";
      }
      fail(String.join(" ", command) + " did not finish within " + timeout + "; output so far:\n" + soFar);
    }
    return new Run(p.exitValue(), output.get(10, TimeUnit.SECONDS));
  }

  private static String read(InputStream in) {
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code v20.11.1} gives 20; anything unreadable gives 0. */
  private static int majorVersion(String nodeVersion) {
    var m = Pattern.compile("^v?(\\d+)\\.").matcher(nodeVersion);
    return m.find() ? Integer.parseInt(m.group(1)) : 0;
  }

  private static Optional<Path> executable(String name) {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    return Arrays.stream(path.split(File.pathSeparator)).filter(s -> !s.isEmpty())
        .map(dir -> Path.of(dir, name)).filter(Files::isExecutable).findFirst();
  }
}
