package io.herald.server.wire;

/** What rendering a request body came to. A failure is recorded as a failed attempt with its reason. */
public sealed interface Body {
  /** The bytes to send (and sign). */
  record Ready(byte[] bytes) implements Body {}

  /** Rendering failed, e.g. a template raised an error or ran past its bounds. */
  record Failed(String reason) implements Body {}
}
