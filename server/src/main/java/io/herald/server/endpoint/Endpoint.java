package io.herald.server.endpoint;

import io.herald.signature.WebhookSecret;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A receiver URL of one application, with what it subscribes to and how deliveries to it are signed.
 *
 * @param eventTypes the event types it receives; null receives every type
 * @param channels the channels it receives; null receives messages regardless of channel
 * @param oldSecrets secrets replaced by a rotation, still used to sign until they expire
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
    long updatedAt) {

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
    out.add(WebhookSecret.parse(secret));
    for (OldSecret old : oldSecrets) {
      if (old.expiresAt() > now) {
        out.add(WebhookSecret.parse(old.key()));
      }
    }
    return out;
  }
}
