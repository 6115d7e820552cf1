package io.herald.signature;

import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A symmetric Standard Webhooks signing secret: {@code whsec_} followed by the base64 of the key bytes.
 *
 * <p>The key is the <em>decoded</em> bytes, not the string: signing with the text of the secret is the most common
 * integration bug, and it produces signatures that no other library accepts. {@link #toString()} never prints the
 * key, so a secret that ends up in a log line leaks nothing.
 */
public final class WebhookSecret {
  /** The prefix every secret carries in its text form. */
  public static final String PREFIX = "whsec_";

  /** The spec allows 24 to 64 random bytes; Herald generates 32. */
  public static final int MIN_KEY_BYTES = 24;

  public static final int MAX_KEY_BYTES = 64;
  private static final int GENERATED_KEY_BYTES = 32;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String HMAC = "HmacSHA256";

  private final byte[] key;
  /** HMAC-SHA256 keyed with this secret, never used itself: each signature works on a clone of it. */
  private volatile Mac keyed;

  private WebhookSecret(byte[] key) {
    this.key = key;
  }

  /**
   * A fresh HMAC-SHA256 instance keyed with this secret. Cloning a keyed prototype skips the provider lookup of
   * {@code Mac.getInstance} and the key schedule of {@code init}, which together cost more than hashing a small body.
   */
  Mac newMac() {
    Mac prototype = keyed;
    try {
      if (prototype == null) {
        prototype = Mac.getInstance(HMAC);
        prototype.init(new SecretKeySpec(key, HMAC));
        keyed = prototype;
      }
      return (Mac) prototype.clone();
    } catch (CloneNotSupportedException e) {
      try {
        Mac mac = Mac.getInstance(HMAC);
        mac.init(new SecretKeySpec(key, HMAC));
        return mac;
      } catch (NoSuchAlgorithmException | InvalidKeyException unavailable) {
        throw new IllegalStateException("HmacSHA256 is unavailable in this JVM", unavailable);
      }
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is unavailable in this JVM", e);
    }
  }

  /** A fresh secret of 32 random bytes. */
  public static WebhookSecret generate() {
    byte[] key = new byte[GENERATED_KEY_BYTES];
    RANDOM.nextBytes(key);
    return new WebhookSecret(key);
  }

  /**
   * Parses {@code whsec_<base64>} (the prefix is optional, as in the Svix API).
   *
   * @throws IllegalArgumentException if the text is not base64 or the key is shorter than 24 or longer than 64 bytes
   */
  public static WebhookSecret parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("secret is empty: expected whsec_ followed by base64");
    }
    String encoded = text.startsWith(PREFIX) ? text.substring(PREFIX.length()) : text;
    byte[] key;
    try {
      key = Base64.getDecoder().decode(encoded);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("secret is not valid base64 after the whsec_ prefix");
    }
    if (key.length < MIN_KEY_BYTES || key.length > MAX_KEY_BYTES) {
      throw new IllegalArgumentException(
          "secret must decode to " + MIN_KEY_BYTES + " to " + MAX_KEY_BYTES + " bytes, got " + key.length);
    }
    return new WebhookSecret(key);
  }

  /** Wraps raw key bytes (copied). */
  public static WebhookSecret ofKey(byte[] key) {
    if (key.length == 0) {
      throw new IllegalArgumentException("secret key is empty");
    }
    return new WebhookSecret(key.clone());
  }

  /** The key bytes (a copy). */
  public byte[] key() {
    return key.clone();
  }

  /** The {@code whsec_...} text form. Treat it as a credential. */
  public String reveal() {
    return PREFIX + Base64.getEncoder().encodeToString(key);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof WebhookSecret other && java.security.MessageDigest.isEqual(key, other.key);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(key);
  }

  @Override
  public String toString() {
    return "WebhookSecret[redacted]";
  }
}
