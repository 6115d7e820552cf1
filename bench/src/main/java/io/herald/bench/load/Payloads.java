package io.herald.bench.load;

import java.nio.charset.StandardCharsets;

/**
 * The message every scenario sends: a 256-byte JSON payload carrying its sequence number and the CLOCK_MONOTONIC
 * instant it was meant to be sent ({@code System.nanoTime()}, which every JVM on one Linux machine shares), padded
 * to a fixed size so the raw baseline can post exactly the same bytes.
 */
public final class Payloads {
  public static final int PAYLOAD_BYTES = 256;
  public static final String EVENT_TYPE = "bench.event";
  private static final String PREFIX = "{\"seq\":";
  private static final String MIDDLE = ",\"t\":";
  private static final int SEQ_DIGITS = 10;
  private static final int T_DIGITS = 19;
  private static final byte[] PAYLOAD_TEMPLATE = template();
  private static final byte[] BODY_PREFIX = ("{\"eventType\":\"" + EVENT_TYPE + "\",\"payload\":")
      .getBytes(StandardCharsets.US_ASCII);
  private static final int SEQ_AT = PREFIX.length();
  private static final int T_AT = SEQ_AT + SEQ_DIGITS + MIDDLE.length();

  private Payloads() {}

  /** The payload Herald delivers (and the raw baseline posts). */
  public static byte[] payload(long seq, long sentNanos) {
    byte[] p = PAYLOAD_TEMPLATE.clone();
    digits(p, SEQ_AT, SEQ_DIGITS, seq);
    digits(p, T_AT, T_DIGITS, sentNanos);
    return p;
  }

  /** The body of {@code POST /api/v1/app/{app}/msg}. */
  public static byte[] messageBody(long seq, long sentNanos) {
    byte[] body = new byte[BODY_PREFIX.length + PAYLOAD_BYTES + 1];
    System.arraycopy(BODY_PREFIX, 0, body, 0, BODY_PREFIX.length);
    System.arraycopy(PAYLOAD_TEMPLATE, 0, body, BODY_PREFIX.length, PAYLOAD_BYTES);
    digits(body, BODY_PREFIX.length + SEQ_AT, SEQ_DIGITS, seq);
    digits(body, BODY_PREFIX.length + T_AT, T_DIGITS, sentNanos);
    body[body.length - 1] = '}';
    return body;
  }

  /** Right-aligned, padded with spaces: JSON forbids leading zeros but allows whitespace, and the size stays fixed. */
  private static void digits(byte[] into, int at, int width, long value) {
    long v = value;
    for (int i = width - 1; i >= 0; i--) {
      into[at + i] = i < width - 1 && v == 0 ? (byte) ' ' : (byte) ('0' + v % 10);
      v /= 10;
    }
  }

  private static byte[] template() {
    StringBuilder sb = new StringBuilder(PREFIX).append(" ".repeat(SEQ_DIGITS - 1)).append('0').append(MIDDLE)
        .append(" ".repeat(T_DIGITS - 1)).append('0').append(",\"pad\":\"");
    int pad = PAYLOAD_BYTES - sb.length() - 2;
    for (int i = 0; i < pad; i++) {
      sb.append((char) ('a' + i % 26));
    }
    sb.append("\"}");
    return sb.toString().getBytes(StandardCharsets.US_ASCII);
  }
}
