package io.herald.server.wire;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.herald.server.api.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * DirectScale's body: the payload object's own fields followed by {@code EventDateUtc}, {@code EventType} and
 * {@code EventCategory}.
 *
 * <p>The three fields are spliced in before the payload's closing brace, so the producer's fields keep their exact
 * bytes. A field the payload already has is left as the producer wrote it (no duplicate keys); EventCategory is
 * omitted when the event type has no category. EventDateUtc is the message time in .NET's round-trip format, seven
 * fractional digits and "Z" ({@code 2021-10-12T18:07:26.8790000Z}), as DirectScale sends it.
 */
final class FlatBody implements BodyFormatter {
  static final DateTimeFormatter EVENT_DATE =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSS'Z'").withZone(ZoneOffset.UTC);

  @Override
  public Body render(WireContext ctx) {
    Map<String, String> added = new LinkedHashMap<>();
    added.put("EventDateUtc", EVENT_DATE.format(Instant.ofEpochMilli(ctx.message().createdAt())));
    added.put("EventType", ctx.message().eventType());
    if (ctx.eventCategory() != null) {
      added.put("EventCategory", ctx.eventCategory());
    }
    return new Body.Ready(splice(ctx.message().payload(), added));
  }

  /** {@code payload} (a JSON object) with {@code added} appended, skipping names it already has. */
  static byte[] splice(byte[] payload, Map<String, String> added) {
    Set<String> present = topLevelNames(payload);
    String text = new String(payload, StandardCharsets.UTF_8);
    StringBuilder out = new StringBuilder(text.length() + 128).append(text, 0, text.lastIndexOf('}'));
    boolean needsComma = !present.isEmpty();
    for (Map.Entry<String, String> field : added.entrySet()) {
      if (present.contains(field.getKey())) {
        continue;
      }
      out.append(needsComma ? "," : "").append(quote(field.getKey())).append(':').append(quote(field.getValue()));
      needsComma = true;
    }
    return out.append('}').toString().getBytes(StandardCharsets.UTF_8);
  }

  private static Set<String> topLevelNames(byte[] payload) {
    Set<String> names = new HashSet<>();
    try (JsonParser p = Json.MAPPER.getFactory().createParser(payload)) {
      p.nextToken(); // START_OBJECT: ingest accepts nothing else as a payload
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        names.add(p.currentName());
        p.nextToken();
        p.skipChildren();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("stored payload is not JSON", e);
    }
    return names;
  }

  private static String quote(String s) {
    try {
      return Json.MAPPER.writeValueAsString(s);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
