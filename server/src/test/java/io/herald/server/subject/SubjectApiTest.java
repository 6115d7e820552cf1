package io.herald.server.subject;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.herald.server.testing.TestServer;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Test;

/** Subjects as a resource, sequence numbers, lifecycle, and the new message and event type fields. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SubjectApiTest {
  TestServer herald;

  /** The store under test; {@link PostgresSubjectApiTest} runs the same tests on PostgreSQL. */
  protected Map<String, String> store() {
    return Map.of();
  }

  @BeforeAll
  void start() {
    herald = TestServer.start(store(), Map.of());
    herald.post("/api/v1/event-type", "{\"name\":\"step\",\"description\":\"\",\"lifecycle\":\"progress\"}");
    herald.post("/api/v1/event-type", "{\"name\":\"done\",\"description\":\"\",\"lifecycle\":\"terminal\"}");
    herald.post("/api/v1/event-type",
        "{\"name\":\"broke\",\"description\":\"\",\"lifecycle\":\"terminal\",\"failure\":true}");
  }

  @AfterAll
  void stop() {
    herald.close();
  }

  void app(String uid) {
    assertThat(herald.post("/api/v1/app", "{\"name\":\"n\",\"uid\":\"" + uid + "\"}").status()).isEqualTo(201);
  }

  TestServer.Reply send(String app, String fields) {
    return herald.post("/api/v1/app/" + app + "/msg", "{" + fields + ",\"payload\":{}}");
  }

  @Test
  void each_message_of_a_subject_gets_the_next_sequence_number_and_the_subject_records_its_times() {
    app("seq");
    for (int i = 1; i <= 3; i++) {
      var r = send("seq", "\"eventType\":\"step\",\"subject\":\"order-1\",\"user\":\"jdoe\","
          + "\"labels\":{\"stepId\":\"s" + i + "\"},\"metadata\":{\"i\":" + i + "}");
      assertThat(r.status()).as(r.toString()).isEqualTo(202);
      assertThat(r.json().path("sequence").asLong()).isEqualTo(i);
      assertThat(r.field("subject")).isEqualTo("order-1");
      assertThat(r.field("user")).isEqualTo("jdoe");
      assertThat(r.json().path("labels").path("stepId").asText()).isEqualTo("s" + i);
      assertThat(r.json().path("metadata").path("i").asInt()).isEqualTo(i);
    }
    assertThat(send("seq", "\"eventType\":\"step\",\"subject\":\"order-2\"").json().path("sequence").asLong())
        .isEqualTo(1);
    JsonNode plain = send("seq", "\"eventType\":\"step\"").json();
    assertThat(plain.has("sequence")).isFalse();
    assertThat(plain.has("subject")).isFalse();

    JsonNode subject = herald.get("/api/v1/app/seq/subject/order-1").json();
    assertThat(subject.path("id").asText()).isEqualTo("order-1");
    assertThat(subject.path("state").asText()).isEqualTo("open");
    assertThat(subject.path("lastSequence").asLong()).isEqualTo(3);
    assertThat(subject.path("metadata").isObject()).isTrue();
    assertThat(subject.path("firstEventAt").asText()).isLessThanOrEqualTo(subject.path("lastEventAt").asText());
    JsonNode listed = herald.get("/api/v1/app/seq/msg?subject=order-1").json().path("data");
    assertThat(listed).extracting(m -> m.path("sequence").asLong()).containsExactly(3L, 2L, 1L);
    assertThat(herald.get("/api/v1/app/seq/msg/" + listed.get(0).path("id").asText()).json().path("sequence").asLong())
        .isEqualTo(3);
  }

  @Test
  void concurrent_messages_of_one_subject_get_distinct_consecutive_numbers() throws Exception {
    app("race");
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      List<Future<TestServer.Reply>> replies = IntStream.range(0, 60)
          .mapToObj(i -> pool.submit(() -> send("race", "\"eventType\":\"step\",\"subject\":\"hot\"")))
          .toList();
      List<Long> sequences = new java.util.ArrayList<>();
      for (Future<TestServer.Reply> f : replies) {
        sequences.add(f.get().json().path("sequence").asLong());
      }
      assertThat(sequences).containsExactlyInAnyOrderElementsOf(IntStream.rangeClosed(1, 60).mapToObj(i -> (long) i)
          .toList());
    } finally {
      pool.shutdownNow();
    }
    assertThat(herald.get("/api/v1/app/race/subject/hot").json().path("lastSequence").asLong()).isEqualTo(60);
  }

  @Test
  void a_terminal_event_closes_the_subject_and_later_messages_are_refused() {
    app("life");
    send("life", "\"eventType\":\"step\",\"subject\":\"job\"");
    String done = send("life", "\"eventType\":\"done\",\"subject\":\"job\"").field("id");
    var refused = send("life", "\"eventType\":\"step\",\"subject\":\"job\"");
    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.field("code")).isEqualTo("conflict");
    assertThat(refused.detail()).isEqualTo("subject 'job' has ended (completed by " + done
        + "): a terminal event was accepted, so later messages about it are refused");
    JsonNode subject = herald.get("/api/v1/app/life/subject/job").json();
    assertThat(subject.path("state").asText()).isEqualTo("completed");
    assertThat(subject.path("lastSequence").asLong()).isEqualTo(2);
    assertThat(herald.get("/api/v1/app/life/msg?subject=job").json().path("data")).hasSize(2);

    send("life", "\"eventType\":\"broke\",\"subject\":\"other\"");
    assertThat(herald.get("/api/v1/app/life/subject/other").field("state")).isEqualTo("failed");
    // Unregistered event types have no lifecycle; messages without a subject are never refused.
    assertThat(send("life", "\"eventType\":\"unknown.type\",\"subject\":\"free\"").status()).isEqualTo(202);
    assertThat(send("life", "\"eventType\":\"done\"").status()).isEqualTo(202);
    assertThat(send("life", "\"eventType\":\"done\"").status()).isEqualTo(202);
  }

  @Test
  void a_reused_event_id_is_refused_without_using_up_a_sequence_number() {
    app("dedupe");
    send("dedupe", "\"eventType\":\"step\",\"subject\":\"s\",\"eventId\":\"evt-1\"");
    assertThat(send("dedupe", "\"eventType\":\"step\",\"subject\":\"s\",\"eventId\":\"evt-1\"").status())
        .isEqualTo(409);
    assertThat(send("dedupe", "\"eventType\":\"step\",\"subject\":\"s\"").json().path("sequence").asLong()).isEqualTo(2);
  }

  @Test
  void put_creates_or_updates_a_subjects_metadata_and_the_list_pages_and_filters_by_state() {
    app("meta");
    var created = herald.put("/api/v1/app/meta/subject/session-1", "{\"metadata\":{\"plan\":\"gold\"}}");
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    assertThat(created.json().path("lastSequence").asLong()).isZero();
    assertThat(created.json().has("firstEventAt")).isFalse();
    var updated = herald.put("/api/v1/app/meta/subject/session-1", "{\"metadata\":{\"plan\":\"platinum\"}}");
    assertThat(updated.status()).isEqualTo(200);
    assertThat(herald.get("/api/v1/app/meta/subject/session-1").json().path("metadata").path("plan").asText())
        .isEqualTo("platinum");
    herald.put("/api/v1/app/meta/subject/session-2", "{}");
    send("meta", "\"eventType\":\"done\",\"subject\":\"session-3\"");

    JsonNode page = herald.get("/api/v1/app/meta/subject?limit=2").json();
    assertThat(page.path("data")).extracting(s -> s.path("id").asText()).containsExactly("session-1", "session-2");
    assertThat(page.path("done").asBoolean()).isFalse();
    JsonNode next = herald.get("/api/v1/app/meta/subject?limit=2&iterator=" + page.path("iterator").asText()).json();
    assertThat(next.path("data")).extracting(s -> s.path("id").asText()).containsExactly("session-3");
    assertThat(herald.get("/api/v1/app/meta/subject?state=completed").json().path("data"))
        .extracting(s -> s.path("id").asText()).containsExactly("session-3");
    assertThat(herald.get("/api/v1/app/meta/subject?state=closed").status()).isEqualTo(422);
    assertThat(herald.get("/api/v1/app/meta/subject/nope").status()).isEqualTo(404);
    assertThat(herald.put("/api/v1/app/meta/subject/has%20space", "{}").status()).isEqualTo(422);
    assertThat(herald.put("/api/v1/app/meta/subject/x", "{\"metadata\":[1]}").status()).isEqualTo(422);
  }

  @Test
  void invalid_subject_fields_are_refused_naming_the_field() {
    app("strict");
    assertThat(send("strict", "\"eventType\":\"e\",\"subject\":\"a b\"").detail()).startsWith("subject:");
    assertThat(send("strict", "\"eventType\":\"e\",\"subject\":\"" + "x".repeat(257) + "\"").detail())
        .startsWith("subject:");
    assertThat(send("strict", "\"eventType\":\"e\",\"user\":\"a\\nb\"").detail()).startsWith("user:");
    assertThat(send("strict", "\"eventType\":\"e\",\"labels\":{\"k\":1}").detail()).startsWith("labels.k:");
    assertThat(send("strict", "\"eventType\":\"e\",\"labels\":{\"bad key\":\"v\"}").detail())
        .startsWith("labels:");
    assertThat(send("strict", "\"eventType\":\"e\",\"metadata\":\"text\"").detail()).startsWith("metadata:");
    assertThat(herald.get("/api/v1/app/strict/msg").json().path("data")).isEmpty();
    assertThat(herald.get("/api/v1/app/strict/subject").json().path("data")).isEmpty();
  }

  @Test
  void event_types_carry_lifecycle_category_and_failure() {
    var r = herald.post("/api/v1/event-type", "{\"name\":\"order.created\",\"description\":\"d\","
        + "\"lifecycle\":\"terminal\",\"failure\":false,\"category\":\"OrderEvents\"}");
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    assertThat(r.field("lifecycle")).isEqualTo("terminal");
    assertThat(r.field("category")).isEqualTo("OrderEvents");
    var patched = herald.patch("/api/v1/event-type/order.created", "{\"failure\":true}");
    assertThat(patched.json().path("failure").asBoolean()).isTrue();
    assertThat(herald.get("/api/v1/event-type/order.created").json().path("category").asText())
        .isEqualTo("OrderEvents");
    assertThat(herald.patch("/api/v1/event-type/order.created", "{\"lifecycle\":null}").json().path("failure")
        .asBoolean()).isFalse();

    assertThat(herald.post("/api/v1/event-type", "{\"name\":\"x1\",\"description\":\"\",\"lifecycle\":\"final\"}")
        .detail()).startsWith("lifecycle:");
    assertThat(herald.post("/api/v1/event-type", "{\"name\":\"x2\",\"description\":\"\",\"failure\":true}")
        .detail()).startsWith("failure:");
  }
}
