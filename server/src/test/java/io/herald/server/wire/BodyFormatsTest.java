package io.herald.server.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.server.application.Application;
import io.herald.server.message.Message;
import io.herald.server.subject.Subject;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The fixed body formats, byte for byte. */
class BodyFormatsTest {
  static final long T = 1_710_428_150_094L; // 2024-03-14T14:55:50.094Z, the date in Simplici's example

  static WireContext ctx(String payload, String subjectMetadata, Map<String, String> labels, String metadata,
      String category) {
    Message m = new Message("msg_1", "app_1", null, "order.paid", null, payload.getBytes(StandardCharsets.UTF_8), T,
        subjectMetadata == null ? null : "s-1", subjectMetadata == null ? null : 1L, null, labels, metadata);
    Subject s = subjectMetadata == null ? null
        : new Subject("app_1", "s-1", subjectMetadata, Subject.OPEN, 1, T, T, null, T, T);
    return new WireContext(m, new Application("app_1", "acme", "Acme", null, "{}", T, T), s, category, null,
        new WireContext.EndpointFacts("ep_1", null, "https://example.com", "", "{}"));
  }

  static String render(BodyFormatter f, WireContext ctx) {
    return new String(((Body.Ready) f.render(ctx)).bytes(), StandardCharsets.UTF_8);
  }

  @Test
  void standard_and_event_data_wrap_the_payload_bytes_untouched() {
    WireContext c = ctx("{ \"b\":1.50,\n \"a\" : \"\\u00e9\" }", null, null, null, null);
    assertThat(render(new StandardBody(), c)).isEqualTo(
        "{\"type\":\"order.paid\",\"timestamp\":\"2024-03-14T14:55:50.094Z\",\"data\":{ \"b\":1.50,\n \"a\" : \"\\u00e9\" }}");
    assertThat(render(new EventDataBody(), c))
        .isEqualTo("{\"event\":\"order.paid\",\"data\":{ \"b\":1.50,\n \"a\" : \"\\u00e9\" }}");
  }

  @Test
  void session_uses_simplicis_date_and_merges_message_metadata_over_the_subjects() {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("pipelineId", "p1");
    WireContext c = ctx("{}", "{\"a\":1,\"b\":{\"x\":1}}", labels, "{\"b\":2,\"c\":3}", null);
    assertThat(render(new SessionBody(), c)).isEqualTo("{\"payload\":{},\"sessionId\":\"s-1\",\"pipelineId\":\"p1\","
        + "\"stepId\":\"order.paid\",\"date\":\"2024-03-14T14:55:50.094+00:00\",\"metadata\":{\"a\":1,\"b\":2,\"c\":3}}");
  }

  @Test
  void flat_appends_directscales_fields_after_the_payloads_own() {
    assertThat(render(new FlatBody(), ctx("{\"OrderNumber\":1, \"Amount\":20.0 }", null, null, null, "OrderEvents")))
        .isEqualTo("{\"OrderNumber\":1, \"Amount\":20.0 ,\"EventDateUtc\":\"2024-03-14T14:55:50.0940000Z\","
            + "\"EventType\":\"order.paid\",\"EventCategory\":\"OrderEvents\"}");
  }

  @Test
  void flat_handles_an_empty_payload_a_missing_category_and_fields_the_producer_already_set() {
    assertThat(render(new FlatBody(), ctx("{ }", null, null, null, null)))
        .isEqualTo("{ \"EventDateUtc\":\"2024-03-14T14:55:50.0940000Z\",\"EventType\":\"order.paid\"}");
    assertThat(render(new FlatBody(), ctx("{\"EventType\":\"Custom\",\"n\":{\"EventDateUtc\":1}}", null, null, null,
        "C\"1"))).isEqualTo("{\"EventType\":\"Custom\",\"n\":{\"EventDateUtc\":1},"
            + "\"EventDateUtc\":\"2024-03-14T14:55:50.0940000Z\",\"EventCategory\":\"C\\\"1\"}");
  }

  @Test
  void raw_needs_no_context_and_sends_the_payload_as_is() {
    byte[] payload = "{\"x\" : 1}".getBytes(StandardCharsets.UTF_8);
    var rendered = (WireRenderer.Rendered.Ready) WireRenderer.render(WireSettings.RAW, null, payload);
    assertThat(rendered.body()).isSameAs(payload);
    assertThat(rendered.contentType()).isEqualTo("application/json");
    assertThat(rendered.headers()).isEmpty();
    assertThat(WireSettings.RAW.needsContext()).isFalse();
  }
}
