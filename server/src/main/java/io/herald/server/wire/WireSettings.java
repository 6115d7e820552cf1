package io.herald.server.wire;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How an endpoint wants its requests shaped.
 *
 * @param bodyTemplate the JSONata expression of {@link BodyFormat#TEMPLATE}, else null
 * @param bearerToken sent as {@code Authorization: Bearer <token>} when set
 * @param headerTemplates header name to JSONata expression, evaluated per delivery; a null or absent result omits the
 *     header
 */
public record WireSettings(BodyFormat bodyFormat, String bodyTemplate, String bearerToken,
    Map<String, String> headerTemplates) {

  public static final WireSettings RAW = new WireSettings(BodyFormat.RAW, null, null, Map.of());

  public WireSettings {
    headerTemplates = Collections.unmodifiableMap(new LinkedHashMap<>(headerTemplates));
  }

  /** Whether a request needs more than the payload: then the dispatcher loads the message's context to render it. */
  public boolean needsContext() {
    return bodyFormat != BodyFormat.RAW || !headerTemplates.isEmpty();
  }
}
