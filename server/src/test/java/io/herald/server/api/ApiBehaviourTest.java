package io.herald.server.api;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.herald.server.testing.TestServer;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The management API's contract: auth, errors, validation, paging, idempotency. */
class ApiBehaviourTest {
  static TestServer herald;

  @BeforeAll
  static void start() {
    herald = TestServer.start(Map.of("HERALD_ENDPOINT_ALLOWLIST", "", "HERALD_MAX_REQUEST_BYTES", "4096"));
  }

  @AfterAll
  static void stop() {
    herald.close();
  }

  static String newApp(String uid) {
    var r = herald.post("/api/v1/app", "{\"name\":\"n\",\"uid\":\"" + uid + "\"}");
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.field("id");
  }

  @Test
  void health_needs_no_key_but_everything_else_does() {
    assertThat(herald.send("GET", "/api/v1/health", null, Map.of("Authorization", "")).status()).isEqualTo(204);
    var missing = herald.send("GET", "/api/v1/app", null, Map.of("Authorization", ""));
    assertThat(missing.status()).isEqualTo(401);
    assertThat(missing.field("code")).isEqualTo("authentication_failed");
    assertThat(herald.send("GET", "/api/v1/app", null, Map.of("Authorization", "Bearer wrong")).status()).isEqualTo(401);
  }

  @Test
  void errors_have_a_code_and_a_detail_naming_the_problem() {
    var malformed = herald.post("/api/v1/app", "{\"name\": ");
    assertThat(malformed.status()).isEqualTo(400);
    assertThat(malformed.detail()).contains("malformed JSON");

    var invalid = herald.post("/api/v1/app", "{\"name\":\"x\",\"uid\":\"has space\"}");
    assertThat(invalid.status()).isEqualTo(422);
    assertThat(invalid.detail()).startsWith("uid:");

    var noRoute = herald.get("/api/v1/nothing-here");
    assertThat(noRoute.status()).isEqualTo(404);
    assertThat(noRoute.field("code")).isEqualTo("not_found");

    assertThat(herald.get("/api/v1/app/app_unknown").detail()).contains("app_unknown");
  }

  @Test
  void a_body_over_the_limit_is_refused_with_413() {
    newApp("big");
    String payload = "{\"x\":\"" + "a".repeat(5000) + "\"}";
    var r = herald.post("/api/v1/app/big/msg", "{\"eventType\":\"e\",\"payload\":" + payload + "}");
    assertThat(r.status()).isEqualTo(413);
    assertThat(r.detail()).contains("HERALD_MAX_REQUEST_BYTES");
    assertThat(herald.get("/api/v1/app/big/msg").json().path("data")).isEmpty();
  }

  /** A body sent in chunks (no Content-Length) is held to the same limit, and read whole when under it. */
  @Test
  void a_chunked_body_is_read_whole_and_held_to_the_limit() throws Exception {
    newApp("chunked");
    HttpClient http = HttpClient.newHttpClient();
    java.util.function.Function<String, HttpResponse<String>> sendChunked = body -> {
      var request = HttpRequest.newBuilder(URI.create(herald.baseUrl() + "/api/v1/app/chunked/msg"))
          .header("Authorization", "Bearer " + TestServer.TOKEN).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body.getBytes(UTF_8))))
          .build();
      try {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    };
    String small = "{\"eventType\":\"e\",\"payload\":{\"x\":\"" + "a".repeat(3000) + "\"}}";
    var accepted = sendChunked.apply(small);
    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
    assertThat(accepted.body()).contains("a".repeat(3000));

    var refused = sendChunked.apply("{\"eventType\":\"e\",\"payload\":{\"x\":\"" + "a".repeat(5000) + "\"}}");
    assertThat(refused.statusCode()).isEqualTo(413);
    assertThat(refused.body()).contains("HERALD_MAX_REQUEST_BYTES");
    assertThat(herald.get("/api/v1/app/chunked/msg").json().path("data")).hasSize(1);
  }

  /**
   * {@code POST .../msg} is served by a handler in front of Javalin ({@code MessagePostHandler}); with a trailing
   * slash the same request goes through Javalin's route. Both must answer alike, errors word for word.
   */
  @Test
  void the_message_fast_path_answers_as_the_javalin_route_does() {
    newApp("same");
    String big = "{\"eventType\":\"e\",\"payload\":{\"x\":\"" + "a".repeat(5000) + "\"}}";
    List<String> bodies = List.of("{\"payload\":{}}", "{\"eventType\":\"e\",\"payload\":[1]}",
        "{\"eventType\":\"e\",\"payload\":{}} trailing", "not json", big,
        "{\"eventType\":\"e\",\"eventId\":\"taken\",\"payload\":{}}");
    assertThat(herald.post("/api/v1/app/same/msg", bodies.get(5)).status()).isEqualTo(202);
    for (String body : bodies) {
      for (String app : List.of("same", "nowhere")) {
        var fast = herald.post("/api/v1/app/" + app + "/msg", body);
        var javalin = herald.post("/api/v1/app/" + app + "/msg/", body);
        assertThat(fast.status()).as(app + " " + body).isGreaterThanOrEqualTo(400).isEqualTo(javalin.status());
        assertThat(fast.body()).as(app + " " + body).isEqualTo(javalin.body());
      }
    }
    for (String query : List.of("", "?with_content=false", "?with_content=true")) {
      String ok = "{\"eventType\":\"e\",\"payload\":{\"k\":[1, 2.50]}}";
      var fast = herald.post("/api/v1/app/same/msg" + query, ok);
      var javalin = herald.post("/api/v1/app/same/msg/" + query, ok);
      assertThat(fast.status()).isEqualTo(javalin.status()).isEqualTo(202);
      assertThat(fieldNames(fast.json())).isEqualTo(fieldNames(javalin.json()));
      String payload = query.contains("false") ? "\"payload\":{}" : "\"payload\":{\"k\":[1, 2.50]}";
      assertThat(fast.body()).contains(payload);
      assertThat(javalin.body()).contains(payload);
    }
  }

  private static Set<String> fieldNames(JsonNode node) {
    Set<String> names = new HashSet<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  @Test
  void bad_messages_leave_nothing_behind() {
    newApp("strict");
    assertThat(herald.post("/api/v1/app/strict/msg", "{\"eventType\":\"e\"}").detail()).contains("payload");
    assertThat(herald.post("/api/v1/app/strict/msg", "{\"payload\":{}}").detail()).contains("eventType");
    assertThat(herald.post("/api/v1/app/strict/msg", "{\"eventType\":\"e\",\"payload\":[1]}").status()).isEqualTo(422);
    assertThat(herald.post("/api/v1/app/strict/msg", "{\"eventType\":\"e\",\"payload\":{}} trailing").status()).isEqualTo(400);
    assertThat(herald.get("/api/v1/app/strict/msg").json().path("data")).isEmpty();
  }

  @Test
  void a_reused_event_id_is_a_conflict() {
    newApp("dupes");
    String body = "{\"eventType\":\"e\",\"eventId\":\"evt-1\",\"payload\":{}}";
    assertThat(herald.post("/api/v1/app/dupes/msg", body).status()).isEqualTo(202);
    assertThat(herald.post("/api/v1/app/dupes/msg", body).status()).isEqualTo(409);
    newApp("other");
    assertThat(herald.post("/api/v1/app/other/msg", body).status()).isEqualTo(202);
  }

  @Test
  void the_payload_is_returned_byte_for_byte() {
    newApp("raw");
    String payload = "{ \"b\": 1.0e2,\"a\" :\"\\u00e9\" }";
    var r = herald.post("/api/v1/app/raw/msg", "{\"eventType\":\"e\",\"payload\":" + payload + "}");
    assertThat(r.body()).contains("\"payload\":" + payload);
    assertThat(herald.get("/api/v1/app/raw/msg/" + r.field("id")).body()).contains("\"payload\":" + payload);
  }

  @Test
  void private_endpoint_urls_are_refused_naming_the_setting() {
    newApp("ssrf");
    for (String url : new String[] {"http://127.0.0.1/x", "http://10.0.0.1/", "http://[::ffff:169.254.169.254]/"}) {
      var r = herald.post("/api/v1/app/ssrf/endpoint", "{\"url\":\"" + url + "\"}");
      assertThat(r.status()).as(url).isEqualTo(422);
      assertThat(r.detail()).as(url).contains("HERALD_ENDPOINT_ALLOWLIST");
    }
    assertThat(herald.post("/api/v1/app/ssrf/endpoint", "{\"url\":\"ftp://example.com/\"}").status()).isEqualTo(422);
    assertThat(herald.post("/api/v1/app/ssrf/endpoint", "{\"url\":\"https://example.com/hook\"}").status()).isEqualTo(201);
  }

  @Test
  void uid_works_wherever_the_id_does_and_trailing_slashes_are_accepted() {
    String id = newApp("by-uid");
    assertThat(herald.get("/api/v1/app/by-uid/").field("id")).isEqualTo(id);
    assertThat(herald.get("/api/v1/app/" + id).field("uid")).isEqualTo("by-uid");
    var ep = herald.post("/api/v1/app/by-uid/endpoint/", "{\"url\":\"https://example.com/a\",\"uid\":\"main\"}");
    assertThat(herald.get("/api/v1/app/" + id + "/endpoint/main").field("id")).isEqualTo(ep.field("id"));
    assertThat(herald.post("/api/v1/app", "{\"name\":\"again\",\"uid\":\"by-uid\"}").status()).isEqualTo(409);
    assertThat(herald.post("/api/v1/app?get_if_exists=true", "{\"name\":\"again\",\"uid\":\"by-uid\"}").field("id"))
        .isEqualTo(id);
  }

  @Test
  void lists_page_with_an_iterator_until_done() {
    newApp("pages");
    Set<String> sent = new HashSet<>();
    for (int i = 0; i < 7; i++) {
      sent.add(herald.post("/api/v1/app/pages/msg", "{\"eventType\":\"e\",\"payload\":{\"i\":" + i + "}}").field("id"));
    }
    Set<String> seen = new HashSet<>();
    String iterator = null;
    String previousNewest = "msg_zzzzzzzzzzzzzzzzzzzzzz";
    for (int page = 0; page < 10; page++) {
      JsonNode r = herald.get("/api/v1/app/pages/msg?limit=3" + (iterator == null ? "" : "&iterator=" + iterator)).json();
      for (JsonNode m : r.path("data")) {
        assertThat(m.path("id").asText()).isLessThan(previousNewest); // newest first
        previousNewest = m.path("id").asText();
        seen.add(m.path("id").asText());
      }
      if (r.path("done").asBoolean()) {
        break;
      }
      iterator = r.path("iterator").asText();
    }
    assertThat(seen).isEqualTo(sent);
  }

  @Test
  void an_idempotency_key_replays_the_first_answer() {
    newApp("idem");
    Map<String, String> key = Map.of("idempotency-key", "auto_123");
    var first = herald.send("POST", "/api/v1/app/idem/msg", "{\"eventType\":\"e\",\"payload\":{\"n\":1}}", key);
    var again = herald.send("POST", "/api/v1/app/idem/msg", "{\"eventType\":\"e\",\"payload\":{\"n\":1}}", key);
    assertThat(again.status()).isEqualTo(202);
    assertThat(again.field("id")).isEqualTo(first.field("id"));
    assertThat(herald.get("/api/v1/app/idem/msg").json().path("data")).hasSize(1);
  }

  @Test
  void event_types_are_created_listed_and_archived() {
    assertThat(herald.post("/api/v1/event-type", "{\"name\":\"invoice.paid\",\"description\":\"Paid\"}").status())
        .isEqualTo(201);
    assertThat(herald.post("/api/v1/event-type", "{\"name\":\"invoice.paid\",\"description\":\"Paid\"}").status())
        .isEqualTo(409);
    assertThat(herald.patch("/api/v1/event-type/invoice.paid", "{\"description\":\"Invoice paid\"}").field("description"))
        .isEqualTo("Invoice paid");
    assertThat(herald.delete("/api/v1/event-type/invoice.paid").status()).isEqualTo(204);
    assertThat(herald.get("/api/v1/event-type/invoice.paid").json().path("archived").asBoolean()).isTrue();
    assertThat(herald.get("/api/v1/event-type").body()).doesNotContain("invoice.paid");
    assertThat(herald.get("/api/v1/event-type?include_archived=true").body()).contains("invoice.paid");
  }

  @Test
  void deleting_an_application_removes_its_endpoints_and_messages() {
    newApp("gone");
    herald.post("/api/v1/app/gone/endpoint", "{\"url\":\"https://example.com/a\",\"disabled\":true}");
    herald.post("/api/v1/app/gone/msg", "{\"eventType\":\"e\",\"payload\":{}}");
    assertThat(herald.delete("/api/v1/app/gone").status()).isEqualTo(204);
    assertThat(herald.get("/api/v1/app/gone").status()).isEqualTo(404);
  }

  @Test
  void custom_header_values_must_be_printable_ascii() {
    newApp("hdrs");
    String ep = herald.post("/api/v1/app/hdrs/endpoint", "{\"url\":\"https://example.com/h\",\"disabled\":true}")
        .field("id");
    var injected = herald.put("/api/v1/app/hdrs/endpoint/" + ep + "/headers", "{\"headers\":{\"X-A\":\"a\\r\\nX-B: b\"}}");
    assertThat(injected.status()).isEqualTo(422);
    assertThat(injected.detail()).startsWith("headers.X-A:");
    assertThat(herald.put("/api/v1/app/hdrs/endpoint/" + ep + "/headers", "{\"headers\":{\"X-A\":\"caf\u00e9\"}}")
        .status()).isEqualTo(422);
    assertThat(herald.put("/api/v1/app/hdrs/endpoint/" + ep + "/headers", "{\"headers\":{\"X-A\":\"ok value\"}}")
        .status()).isEqualTo(204);
  }
}
