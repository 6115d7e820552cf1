package io.herald.receiver;

import java.util.List;
import java.util.Map;

/**
 * The header names Herald sends. Lookups are case-insensitive, as HTTP header names are.
 *
 * <p>Only {@link #ID}, {@link #TIMESTAMP} and the body are covered by the signature. {@link #SUBJECT},
 * {@link #SEQUENCE} and {@link #EVENT_TYPE} ride along unsigned: together with deduplication on {@link #ID} and the
 * timestamp tolerance they cannot be replayed with altered values for long, but if your threat model needs them
 * signed, read the same facts from the (signed) body.
 *
 * @since 0.1
 */
public final class HeraldHeaders {
  /** Stable across retries of one delivery: the deduplication key. */
  public static final String ID = "webhook-id";

  /** Seconds since the epoch at signing time. */
  public static final String TIMESTAMP = "webhook-timestamp";

  /** Space-separated {@code v1,<base64>} signatures. */
  public static final String SIGNATURE = "webhook-signature";

  /** What the message is about, e.g. an order id. */
  public static final String SUBJECT = "webhook-subject";

  /** 1, 2, 3, ... per subject, assigned when Herald ingests the message. */
  public static final String SEQUENCE = "webhook-sequence";

  /** The event type, e.g. {@code ORDER_DATA_PROGRESS}. */
  public static final String EVENT_TYPE = "webhook-event-type";

  /** {@code Bearer <token>} for endpoints configured with a bearer token. */
  public static final String AUTHORIZATION = "Authorization";

  private HeraldHeaders() {}

  /** The first value of header {@code name} (case-insensitive), stripped; null if absent or blank. */
  static String first(Map<String, List<String>> headers, String name) {
    for (Map.Entry<String, List<String>> e : headers.entrySet()) {
      if (e.getKey() != null && e.getKey().equalsIgnoreCase(name)) {
        List<String> values = e.getValue();
        if (values == null || values.isEmpty() || values.get(0) == null) {
          return null;
        }
        String value = values.get(0).strip();
        return value.isEmpty() ? null : value;
      }
    }
    return null;
  }
}
