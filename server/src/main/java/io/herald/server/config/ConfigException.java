package io.herald.server.config;

/** A setting that cannot be used. The message names the setting and says what would be accepted. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }
}
