package io.herald.server.wire;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.herald.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The endpoint fields for ordering and wire formats: accepted, returned, validated at save time. */
class WireSettingsApiTest {
  static TestServer herald;

  @BeforeAll
  static void start() {
    herald = TestServer.start();
    herald.post("/api/v1/app", "{\"name\":\"n\",\"uid\":\"acme\"}");
  }

  @AfterAll
  static void stop() {
    herald.close();
  }

  static TestServer.Reply create(String fields) {
    return herald.post("/api/v1/app/acme/endpoint", "{\"url\":\"http://127.0.0.1:9/hook\"" + fields + "}");
  }

  static String detail(String fields) {
    var r = create(fields);
    assertThat(r.status()).as(r.toString()).isEqualTo(422);
    return r.detail();
  }

  @Test
  void defaults_are_raw_unordered_and_every_field_round_trips() {
    JsonNode plain = create("").json();
    assertThat(plain.path("ordering").asText()).isEqualTo("none");
    assertThat(plain.path("progress").asText()).isEqualTo("all");
    assertThat(plain.path("bodyFormat").asText()).isEqualTo("raw");
    assertThat(plain.path("hasBearerToken").asBoolean()).isFalse();
    assertThat(plain.path("headerTemplates").size()).isZero();

    var full = create(",\"ordering\":\"subject\",\"progress\":\"latest\",\"bodyTemplate\":\"{'id': message.id}\","
        + "\"bearerToken\":\"s3cret\",\"headerTemplates\":{\"X-Client\":\"application.uid\"}");
    assertThat(full.status()).as(full.toString()).isEqualTo(201);
    JsonNode ep = herald.get("/api/v1/app/acme/endpoint/" + full.field("id")).json();
    assertThat(ep.path("ordering").asText()).isEqualTo("subject");
    assertThat(ep.path("progress").asText()).isEqualTo("latest");
    assertThat(ep.path("bodyFormat").asText()).isEqualTo("template");
    assertThat(ep.path("bodyTemplate").asText()).isEqualTo("{'id': message.id}");
    assertThat(ep.path("headerTemplates").path("X-Client").asText()).isEqualTo("application.uid");
    assertThat(ep.path("hasBearerToken").asBoolean()).isTrue();
    assertThat(ep.toString()).doesNotContain("s3cret");
  }

  @Test
  void patch_keeps_what_it_does_not_name_and_put_keeps_the_bearer_token() {
    String id = create(",\"bodyFormat\":\"flat\",\"bearerToken\":\"t0ken\",\"ordering\":\"subject\"").field("id");
    JsonNode patched = herald.patch("/api/v1/app/acme/endpoint/" + id, "{\"bodyFormat\":\"session\"}").json();
    assertThat(patched.path("bodyFormat").asText()).isEqualTo("session");
    assertThat(patched.path("ordering").asText()).isEqualTo("subject");
    assertThat(patched.path("hasBearerToken").asBoolean()).isTrue();

    JsonNode put = herald.put("/api/v1/app/acme/endpoint/" + id, "{\"url\":\"http://127.0.0.1:9/other\"}").json();
    assertThat(put.path("bodyFormat").asText()).isEqualTo("raw");
    assertThat(put.path("ordering").asText()).isEqualTo("none");
    assertThat(put.path("hasBearerToken").asBoolean()).isTrue();
    JsonNode cleared = herald.patch("/api/v1/app/acme/endpoint/" + id, "{\"bearerToken\":null}").json();
    assertThat(cleared.path("hasBearerToken").asBoolean()).isFalse();

    String templated = create(",\"bodyTemplate\":\"payload\"").field("id");
    JsonNode back = herald.patch("/api/v1/app/acme/endpoint/" + templated, "{\"bodyTemplate\":null}").json();
    assertThat(back.path("bodyFormat").asText()).isEqualTo("raw");
    assertThat(back.has("bodyTemplate")).isFalse();
  }

  @Test
  void invalid_settings_are_refused_with_the_field_and_the_reason() {
    assertThat(detail(",\"bodyFormat\":\"xml\"")).startsWith("bodyFormat: must be one of raw, standard, event-data");
    assertThat(detail(",\"bodyFormat\":\"template\"")).isEqualTo("bodyTemplate: is required when bodyFormat is 'template'");
    assertThat(detail(",\"bodyFormat\":\"flat\",\"bodyTemplate\":\"payload\"")).startsWith("bodyTemplate: cannot be");
    assertThat(detail(",\"ordering\":\"fifo\"")).startsWith("ordering:");
    assertThat(detail(",\"progress\":\"latest\"")).startsWith("progress: \"latest\" needs \"ordering\": \"subject\"");
    assertThat(detail(",\"bearerToken\":\"has space\"")).startsWith("bearerToken:");
    assertThat(detail(",\"headerTemplates\":{\"Content-Length\":\"'1'\"}"))
        .isEqualTo("headerTemplates.Content-Length: is set by Herald and cannot be overridden");
    assertThat(detail(",\"headerTemplates\":{\"webhook-id\":\"'x'\"}")).contains("cannot be overridden");
    assertThat(detail(",\"headerTemplates\":{\"Bad Name\":\"'x'\"}")).contains("not a valid HTTP header name");
    assertThat(detail(",\"headerTemplates\":{\"X-A\":1}")).startsWith("headerTemplates.X-A: must be a JSONata");
    assertThat(detail(",\"bearerToken\":\"t\",\"headerTemplates\":{\"Authorization\":\"'x'\"}"))
        .contains("conflicts with bearerToken");
  }

  @Test
  void broken_templates_are_refused_at_save_time_with_the_reason() {
    assertThat(detail(",\"bodyTemplate\":\"{ 'a': \"")).startsWith("bodyTemplate: is not valid JSONata:");
    assertThat(detail(",\"bodyTemplate\":\"($f := function($n){ $f($n + 1) }; $f(0))\""))
        .startsWith("bodyTemplate: fails on a sample message: the template ran longer than 250 ms");
    assertThat(detail(",\"bodyTemplate\":\"$undefinedFunction(1)\"")).startsWith("bodyTemplate: fails on a sample");
    assertThat(detail(",\"bodyTemplate\":\"function($x){ $x }\"")).contains("cannot express");
    assertThat(detail(",\"headerTemplates\":{\"X-A\":\"message\"}")).isEqualTo(
        "headerTemplates.X-A: on a sample message must produce a string, number or boolean, not an object or array");
    assertThat(detail(",\"headerTemplates\":{\"X-A\":\"'a' & $string($fromMillis(0)) & '\\\\n'\"}"))
        .contains("characters a header cannot carry");
    // A template that reads fields a sample lacks is fine: undefined omits a header or fails only that delivery.
    assertThat(create(",\"bodyTemplate\":\"payload.orderId\"").status()).isEqualTo(201);
  }
}
