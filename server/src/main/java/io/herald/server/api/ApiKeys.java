package io.herald.server.api;

import io.herald.server.store.Settings;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The admin API key. Only its SHA-256 is kept (in memory and in the store); a presented token is hashed and the
 * digests compared in constant time. A plain hash suffices here, unlike for passwords: the key is 32 random bytes,
 * so there is nothing to brute-force.
 */
public final class ApiKeys {
  static final String SETTING = "admin_key_sha256";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final byte[] adminHash;

  private ApiKeys(byte[] adminHash) {
    this.adminHash = adminHash;
  }

  /**
   * Uses HERALD_API_KEY when set. Otherwise loads the stored hash, or on first start generates a key, stores its
   * hash, and hands the key to {@code announce} — the only time it exists in clear.
   */
  public static ApiKeys init(Optional<String> configured, Settings settings, Consumer<String> announce) {
    if (configured.isPresent()) {
      return new ApiKeys(sha256(configured.get()));
    }
    Optional<String> stored = settings.get(SETTING);
    if (stored.isPresent()) {
      return new ApiKeys(HexFormat.of().parseHex(stored.get()));
    }
    byte[] raw = new byte[32];
    RANDOM.nextBytes(raw);
    String key = "hk_" + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    byte[] hash = sha256(key);
    settings.put(SETTING, HexFormat.of().formatHex(hash));
    announce.accept(key);
    return new ApiKeys(hash);
  }

  /**
   * The last token that verified, as bytes: clients send the same key on every request, and hashing it each time
   * showed in profiles. Compared in constant time like the hash; a different token falls through to hashing.
   */
  private volatile byte[] lastVerified;

  /** The token of an {@code Authorization: Bearer <token>} header, or null when there is none. */
  static String bearerToken(String authorization) {
    return authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
        ? authorization.substring(7).trim() : null;
  }

  public boolean isAdmin(String token) {
    if (token == null) {
      return false;
    }
    byte[] presented = token.getBytes(StandardCharsets.UTF_8);
    byte[] known = lastVerified;
    if (known != null && MessageDigest.isEqual(known, presented)) {
      return true;
    }
    if (MessageDigest.isEqual(adminHash, sha256(token))) {
      lastVerified = presented;
      return true;
    }
    return false;
  }

  static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
