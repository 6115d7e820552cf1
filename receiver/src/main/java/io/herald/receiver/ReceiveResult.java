package io.herald.receiver;

import io.herald.signature.WebhookVerificationException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The outcome of {@link WebhookReceiver#receive}. Exactly one of four cases:
 *
 * <ul>
 *   <li>{@link Accepted}: verified, first time seen, in order. Process it.
 *   <li>{@link Duplicate}: verified, but this {@code webhook-id} was already seen (a retry). Acknowledge, do nothing.
 *   <li>{@link Skipped}: verified and new, but older than what was already processed for its subject, or after the
 *       subject ended. Acknowledge, do nothing.
 *   <li>{@link Rejected}: failed verification. Answer 401; nothing was recorded.
 * </ul>
 *
 * <p>Answer every case but {@link Rejected} with a 2xx status: anything else makes Herald retry a message you have
 * already dealt with. {@link #httpStatus()} gives the suggested status.
 *
 * @since 0.1
 */
public sealed interface ReceiveResult {

  /** 204 for everything but {@link Rejected}, which gets 401. */
  default int httpStatus() {
    return this instanceof Rejected ? 401 : 204;
  }

  /**
   * A verified message to process. {@code body} is the array given to {@code receive}, not a copy.
   *
   * @param webhookId the {@code webhook-id}
   * @param subject the {@code webhook-subject}, if sent
   * @param sequence the {@code webhook-sequence}, if sent
   * @param eventType the {@code webhook-event-type}, if sent
   * @param body the raw, verified body
   */
  record Accepted(
      String webhookId, Optional<String> subject, OptionalLong sequence, Optional<String> eventType, byte[] body)
      implements ReceiveResult {
    /** Checks that no component is null ({@code Optional.empty()} stands for a header that was not sent). */
    public Accepted {
      Objects.requireNonNull(webhookId, "webhookId");
      Objects.requireNonNull(subject, "subject");
      Objects.requireNonNull(sequence, "sequence");
      Objects.requireNonNull(eventType, "eventType");
      Objects.requireNonNull(body, "body");
    }

    /** The body decoded as UTF-8. */
    public String bodyAsString() {
      return new String(body, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Accepted a && webhookId.equals(a.webhookId) && subject.equals(a.subject)
          && sequence.equals(a.sequence) && eventType.equals(a.eventType) && Arrays.equals(body, a.body);
    }

    @Override
    public int hashCode() {
      return Objects.hash(webhookId, subject, sequence, eventType, Arrays.hashCode(body));
    }

    @Override
    public String toString() {
      return "Accepted[webhookId=" + webhookId + ", subject=" + subject + ", sequence=" + sequence
          + ", eventType=" + eventType + ", body=" + body.length + " bytes]";
    }
  }

  /**
   * This {@code webhook-id} was already seen: a retry of a delivery you received before.
   *
   * @param webhookId the {@code webhook-id}
   */
  record Duplicate(String webhookId) implements ReceiveResult {
    /** Checks that the id is not null. */
    public Duplicate {
      Objects.requireNonNull(webhookId, "webhookId");
    }
  }

  /**
   * A new message that ordering told to ignore. It still counts as seen: its retries come back as {@link Duplicate}.
   *
   * @param webhookId the {@code webhook-id}
   * @param subject the {@code webhook-subject}
   * @param sequence the {@code webhook-sequence}
   * @param reason why: {@link Decision#STALE}, {@link Decision#DUPLICATE} or {@link Decision#AFTER_TERMINAL}
   */
  record Skipped(String webhookId, String subject, long sequence, Decision reason) implements ReceiveResult {
    /** Checks that ids are not null and that {@code reason} is a skip reason, not {@link Decision#ACCEPT}. */
    public Skipped {
      Objects.requireNonNull(webhookId, "webhookId");
      Objects.requireNonNull(subject, "subject");
      if (reason == null || reason.accepted()) {
        throw new IllegalArgumentException("a skipped message needs a skip reason, got " + reason);
      }
    }
  }

  /**
   * The request failed verification. {@code message} is safe to log and to return: it never contains a secret, a
   * signature or a token.
   *
   * @param reason the failure category
   * @param message what was wrong
   */
  record Rejected(WebhookVerificationException.Reason reason, String message) implements ReceiveResult {
    /** Checks that no component is null. */
    public Rejected {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(message, "message");
    }
  }
}
