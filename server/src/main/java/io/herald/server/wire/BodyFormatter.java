package io.herald.server.wire;

import com.fasterxml.jackson.core.JsonGenerator;
import io.herald.server.api.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Turns one delivery's context into the body a {@link BodyFormat} prescribes. */
interface BodyFormatter {
  Body render(WireContext ctx);

  /** Writes fields of one JSON object. */
  @FunctionalInterface
  interface Fields {
    void write(JsonGenerator g) throws IOException;
  }

  /** A JSON object built with a generator, so the payload can be written as its raw bytes, never re-serialized. */
  static byte[] object(Fields fields) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out)) {
      g.writeStartObject();
      fields.write(g);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** Writes the stored payload bytes as the value of {@code name}. */
  static void rawPayload(JsonGenerator g, String name, byte[] payload) throws IOException {
    g.writeFieldName(name);
    g.writeRawValue(new String(payload, StandardCharsets.UTF_8));
  }
}
