package io.herald.server.endpoint;

import io.herald.server.wire.WireSettings;
import io.herald.signature.WebhookSecret;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A receiver URL of one application, with what it subscribes to and how deliveries to it are signed.
 *
 * @param eventTypes the event types it receives; null receives every type
 * @param channels the channels it receives; null receives messages regardless of channel
 * @param oldSecrets secrets replaced by a rotation, still used to sign until they expire
 * @param ordering whether a subject's messages are delivered strictly one after the other
 * @param progress whether queued progress events a newer event supersedes are skipped (needs subject ordering)
 * @param wire the body format, templates and bearer token of its requests
 */
public record Endpoint(
    String id,
    String appId,
    String uid,
    String url,
    String description,
    int version,
    boolean disabled,
    List<String> eventTypes,
    List<String> channels,
    Integer throttleRate,
    String metadata,
    Map<String, String> headers,
    String secret,
    List<OldSecret> oldSecrets,
    long createdAt,
    long updatedAt,
    Ordering ordering,
    Progress progress,
    WireSettings wire) {

  /** Per-endpoint delivery order. */
  public enum Ordering {
    /** Every delivery on its own: a failing message never holds back another (the default). */
    NONE("none"),
    /** A subject's messages one at a time, in sequence; other subjects flow meanwhile. */
    SUBJECT("subject");

    public final String wireName;

    Ordering(String wireName) {
      this.wireName = wireName;
    }
  }

  /** What happens to progress events that wait behind a subject's backlog. */
  public enum Progress {
    /** Each is delivered (the default). */
    ALL("all"),
    /** Those superseded by a newer event of the subject are skipped: the receiver gets the newest state. */
    LATEST("latest");

    public final String wireName;

    Progress(String wireName) {
      this.wireName = wireName;
    }
  }

  /** A rotated-out secret and when it stops being used. */
  public record OldSecret(String key, long expiresAt) {}

  /** Whether a message of {@code eventType} on {@code msgChannels} goes to this endpoint. */
  public boolean accepts(String eventType, List<String> msgChannels) {
    if (disabled) {
      return false;
    }
    if (eventTypes != null && !eventTypes.isEmpty() && !eventTypes.contains(eventType)) {
      return false;
    }
    if (channels != null && !channels.isEmpty()) {
      if (msgChannels == null) {
        return false;
      }
      for (String c : msgChannels) {
        if (channels.contains(c)) {
          return true;
        }
      }
      return false;
    }
    return true;
  }

  /** The current secret and every old one not yet expired at {@code now}: each delivery carries all their signatures. */
  public List<WebhookSecret> signingSecrets(long now) {
    List<WebhookSecret> out = new ArrayList<>(1 + oldSecrets.size());
    out.add(parsed(SECRETS, secret, WebhookSecret::parse));
    for (OldSecret old : oldSecrets) {
      if (old.expiresAt() > now) {
        out.add(parsed(SECRETS, old.key(), WebhookSecret::parse));
      }
    }
    return out;
  }

  /** The URL, parsed. */
  public URI uri() {
    return parsed(URIS, url, URI::create);
  }

  /**
   * What every attempt needs from an endpoint's text fields, parsed once instead of per attempt (both showed in
   * profiles); a {@link WebhookSecret} also keeps its keyed HMAC, so signing skips the key schedule. Keyed by the text
   * itself, so an endpoint changed anywhere simply finds other entries. Bounded by clearing: entries are cheap to
   * rebuild, and a rotated-out secret then stops being held.
   */
  private static final Map<String, WebhookSecret> SECRETS = new ConcurrentHashMap<>();

  private static final Map<String, URI> URIS = new ConcurrentHashMap<>();

  private static <T> T parsed(Map<String, T> cache, String text, Function<String, T> parse) {
    T value = cache.get(text);
    if (value == null) {
      if (cache.size() >= 10_000) {
        cache.clear();
      }
      value = parse.apply(text);
      cache.put(text, value);
    }
    return value;
  }
}
