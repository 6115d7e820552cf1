package io.herald.server.network;

/**
 * An endpoint URL Herald will not accept. The message says what is wrong and how to fix it, and is safe to return
 * to the API caller; it never repeats the whole URL, which may carry a token in its path or query.
 */
public final class InvalidEndpointUrlException extends IllegalArgumentException {
  public InvalidEndpointUrlException(String message) {
    super(message);
  }
}
