package io.herald.server.wire;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Renders the body and the computed headers an endpoint's {@link WireSettings} ask for. Rendering happens when a
 * delivery is sent, so the signature is computed over exactly these bytes.
 */
public final class WireRenderer {
  static final int MAX_HEADER_VALUE = 4096;

  private WireRenderer() {}

  /** What rendering came to: the request's parts, or the reason it cannot be sent. */
  public sealed interface Rendered {
    /** @param headers computed headers (templates, bearer token), to add over the endpoint's static ones */
    record Ready(byte[] body, String contentType, Map<String, String> headers) implements Rendered {}

    record Failed(String reason) implements Rendered {}
  }

  /**
   * The request for {@code ctx} under {@code settings}. {@code ctx} may be null when
   * {@link WireSettings#needsContext()} is false; then {@code payload} is sent as is.
   */
  public static Rendered render(WireSettings settings, WireContext ctx, byte[] payload) {
    Map<String, String> headers = new LinkedHashMap<>();
    if (!settings.headerTemplates().isEmpty()) {
      Map<String, Object> input = TemplateInput.of(ctx);
      for (Map.Entry<String, String> t : settings.headerTemplates().entrySet()) {
        switch (Templates.evaluate(t.getValue(), input)) {
          case Templates.Result.Failed f -> {
            return new Rendered.Failed("headerTemplates." + t.getKey() + " failed: " + f.reason());
          }
          case Templates.Result.Value v -> {
            String problem = headerValue(v.value());
            if (problem != null) {
              return new Rendered.Failed("headerTemplates." + t.getKey() + " " + problem);
            }
            if (v.value() != null) {
              headers.put(t.getKey(), text(v.value()));
            }
          }
        }
      }
    }
    if (settings.bearerToken() != null) {
      headers.put("Authorization", "Bearer " + settings.bearerToken());
    }
    Body body = settings.bodyFormat() == BodyFormat.RAW ? new Body.Ready(payload) : formatter(settings).render(ctx);
    return switch (body) {
      case Body.Ready r -> new Rendered.Ready(r.bytes(), settings.bodyFormat().contentType, headers);
      case Body.Failed f -> new Rendered.Failed(f.reason());
    };
  }

  private static BodyFormatter formatter(WireSettings settings) {
    return switch (settings.bodyFormat()) {
      case RAW -> ctx -> new Body.Ready(ctx.message().payload());
      case STANDARD -> new StandardBody();
      case EVENT_DATA -> new EventDataBody();
      case SESSION -> new SessionBody();
      case FLAT -> new FlatBody();
      case TEMPLATE -> new TemplateBody(settings.bodyTemplate());
    };
  }

  /** Why {@code value} cannot be a header value, or null when it can (null itself omits the header). */
  static String headerValue(Object value) {
    if (value == null) {
      return null;
    }
    if (value instanceof Map || value instanceof java.util.List) {
      return "must produce a string, number or boolean, not an object or array";
    }
    if (value instanceof Number n && !Double.isFinite(n.doubleValue())) {
      return "produced a number that is not finite";
    }
    if (!(value instanceof String || value instanceof Number || value instanceof Boolean)) {
      return "must produce a string, number or boolean";
    }
    // Only printable ASCII: CR/LF would inject headers, and the HTTP client writes each character as one byte, so
    // anything past ASCII would arrive mangled. $encodeUrlComponent() turns any text into a safe value.
    String text = text(value);
    if (text.length() > MAX_HEADER_VALUE || !text.chars().allMatch(c -> c == '\t' || (c >= 0x20 && c < 0x7f))) {
      return "produced a value longer than " + MAX_HEADER_VALUE + " characters or with characters a header cannot "
          + "carry (CR, LF, NUL, other control or non-ASCII characters; $encodeUrlComponent() makes any text safe)";
    }
    return null;
  }

  private static String text(Object value) {
    if (value instanceof Double d && d == Math.rint(d) && Math.abs(d) < 1e15) {
      return Long.toString(d.longValue());
    }
    return String.valueOf(value);
  }
}
