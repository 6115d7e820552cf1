package io.herald.server.wire;

import java.util.Arrays;
import java.util.Optional;

/**
 * The shape of the request body an endpoint receives. docs/wire-formats.md shows each one with the vendor it
 * reproduces.
 */
public enum BodyFormat {
  /** The payload exactly as the producer sent it, byte for byte. */
  RAW("raw", "application/json"),
  /** {@code {"type", "timestamp", "data"}}, as the Standard Webhooks spec recommends. */
  STANDARD("standard", "application/json"),
  /** {@code {"event": <event type>, "data": <payload>}}: Siftr. */
  EVENT_DATA("event-data", "application/json"),
  /** {@code {"payload", "sessionId", "pipelineId", "stepId", "date", "metadata"}}: Simplici. */
  SESSION("session", "application/json"),
  /** The payload's fields plus EventDateUtc, EventType and EventCategory: DirectScale, which also names the charset. */
  FLAT("flat", "application/json; charset=UTF-8"),
  /** Whatever the endpoint's JSONata {@code bodyTemplate} computes. */
  TEMPLATE("template", "application/json");

  /** The name in the API and the store. */
  public final String wireName;
  public final String contentType;

  BodyFormat(String wireName, String contentType) {
    this.wireName = wireName;
    this.contentType = contentType;
  }

  public static Optional<BodyFormat> parse(String name) {
    return Arrays.stream(values()).filter(f -> f.wireName.equals(name)).findFirst();
  }

  /** Every name, for error messages. */
  public static String names() {
    return String.join(", ", Arrays.stream(values()).map(f -> f.wireName).toList());
  }
}
