package io.herald.server.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** JSONata evaluation stays bounded and reports what went wrong. */
class TemplatesTest {
  static Templates.Result eval(String expression) {
    return Templates.evaluate(expression, TemplateInput.of(TemplateInput.sample()));
  }

  static String failure(String expression) {
    return ((Templates.Result.Failed) eval(expression)).reason();
  }

  @Test
  void reads_the_documented_input() {
    assertThat(((Templates.Result.Value) eval("[message.id, message.sequence, subject.metadata.customer, "
        + "application.uid, endpoint.uid, eventType.category, payload.amount]")).value())
        .isEqualTo(List.of("msg_sample", 2L, "c-1", "acme", "main", "OrderEvents", 20.0));
  }

  @Test
  void an_endless_loop_stops_at_the_time_bound() {
    long start = System.nanoTime();
    assertThat(failure("($f := function($n){ $f($n + 1) }; $f(0))")).contains("ran longer than 250 ms");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    assertThat(failure("$reduce([1..999999], function($a, $b){ $a + $b })")).contains("ran longer than");
  }

  @Test
  void deep_recursion_and_huge_ranges_are_refused() {
    assertThat(failure("($f := function($n){ $n = 0 ? 0 : 1 + $f($n - 1) }; $f(5000))")).contains("deeper than 100");
    assertThat(failure("$count([1..100000000])")).contains("must not exceed 1e6");
  }

  @Test
  void errors_say_what_and_where() {
    assertThat(Templates.syntaxError("{ 'a': ")).isNotNull();
    assertThat(Templates.syntaxError("payload.a")).isNull();
    assertThat(failure("$error('stop here')")).startsWith("stop here");
  }

  @Test
  void header_values_must_be_printable_ascii_scalars() {
    assertThat(WireRenderer.headerValue("ok")).isNull();
    assertThat(WireRenderer.headerValue(null)).isNull();
    assertThat(WireRenderer.headerValue(5)).isNull();
    assertThat(WireRenderer.headerValue("a\r\nb")).contains("characters a header cannot carry");
    assertThat(WireRenderer.headerValue(Map.of())).contains("not an object or array");
    assertThat(WireRenderer.headerValue("x".repeat(5000))).contains("longer than 4096");
    assertThat(WireRenderer.headerValue("Jos\u00e9")).contains("non-ASCII");
    assertThat(((Templates.Result.Value) eval("$encodeUrlComponent('Jos\u00e9 \u65e5')")).value())
        .isEqualTo("Jos%C3%A9%20%E6%97%A5");
  }

  @Test
  void integral_numbers_become_plain_header_values() {
    var settings = new WireSettings(BodyFormat.RAW, null, "tok", Map.of("X-Half", "payload.amount / 2",
        "X-Whole", "payload.amount * 1.0", "X-Flag", "true"));
    var ready = (WireRenderer.Rendered.Ready) WireRenderer.render(settings, TemplateInput.sample(), new byte[] {'{', '}'});
    assertThat(ready.headers()).containsEntry("X-Half", "10").containsEntry("X-Whole", "20")
        .containsEntry("X-Flag", "true").containsEntry("Authorization", "Bearer tok");
  }
}
