package io.herald.receiver;

import io.herald.signature.BearerTokenVerifier;
import io.herald.signature.WebhookVerificationException;
import io.herald.signature.WebhookVerifier;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Receives Herald webhooks: verifies the signature (and bearer token), drops duplicates, and skips events that are
 * stale or arrive after their subject ended. Thread-safe; build one and share it.
 *
 * <pre>{@code
 * WebhookReceiver receiver = WebhookReceiver.builder()
 *     .secret(System.getenv("HERALD_WEBHOOK_SECRET"))            // whsec_...
 *     .dedupeStore(new InMemoryDedupeStore())
 *     .subjectTracker(new InMemorySubjectTracker())
 *     .terminalEventTypes("ORDER_DATA_COMPLETED", "ORDER_DATA_FAILED")
 *     .build();
 *
 * ReceiveResult result = receiver.receive(headers, rawBody);   // raw bytes, before any JSON parsing
 * if (result instanceof ReceiveResult.Accepted accepted) {
 *   try {
 *     handle(accepted.eventType().orElse(""), accepted.bodyAsString());
 *   } catch (RuntimeException e) {
 *     receiver.forget(accepted);                                  // let Herald's retry through
 *     throw e;                                                    // answer 5xx
 *   }
 * }
 * respond(result.httpStatus());                                   // 204, or 401 for Rejected
 * }</pre>
 *
 * <p>Checks run in this order, and the first that fails decides the result:
 *
 * <ol>
 *   <li>signature and timestamp ({@link WebhookVerifier}), then the bearer token if one is configured:
 *       {@link ReceiveResult.Rejected}; nothing is recorded;
 *   <li>deduplication on {@code webhook-id}: {@link ReceiveResult.Duplicate};
 *   <li>ordering per {@code webhook-subject} by {@code webhook-sequence}: {@link ReceiveResult.Skipped}. A skipped
 *       message still counts as seen, so its retries are {@link ReceiveResult.Duplicate}.
 * </ol>
 *
 * <p>Deduplication and ordering record the message <em>before</em> your handler runs. If the handler then fails,
 * call {@link #forget(ReceiveResult.Accepted)} and answer with an error status; otherwise Herald's retry comes back
 * as a duplicate and the message is lost. Ordering applies to messages that carry both a subject and a sequence;
 * others skip that step.
 *
 * @since 0.1
 */
public final class WebhookReceiver {
  private final WebhookVerifier verifier;
  private final BearerTokenVerifier bearer;
  private final DedupeStore dedupe;
  private final SubjectTracker tracker;
  private final Set<String> terminalEventTypes;

  WebhookReceiver(WebhookVerifier verifier, BearerTokenVerifier bearer, DedupeStore dedupe, SubjectTracker tracker,
      Set<String> terminalEventTypes) {
    this.verifier = Objects.requireNonNull(verifier, "verifier");
    this.bearer = bearer;
    this.dedupe = dedupe;
    this.tracker = tracker;
    this.terminalEventTypes = Set.copyOf(terminalEventTypes);
  }

  /** Starts configuring a receiver. */
  public static WebhookReceiverBuilder builder() {
    return new WebhookReceiverBuilder();
  }

  /**
   * Checks one request.
   *
   * @param headers the request headers; names are matched case-insensitively, and a repeated header uses its first
   *     value ({@code svix-id}, {@code svix-timestamp} and {@code svix-signature} work too)
   * @param body the raw body bytes exactly as received
   * @return never null; see {@link ReceiveResult}
   * @throws StoreException if the dedupe store or subject tracker fails; then nothing is recorded, so answer 5xx
   */
  public ReceiveResult receive(Map<String, List<String>> headers, byte[] body) {
    Objects.requireNonNull(headers, "headers");
    Objects.requireNonNull(body, "body");
    String webhookId;
    try {
      webhookId = verifier.verify(headers, body);
      if (bearer != null) {
        bearer.verify(headers);
      }
    } catch (WebhookVerificationException e) {
      return new ReceiveResult.Rejected(e.reason(), e.getMessage());
    }
    String subject = HeraldHeaders.first(headers, HeraldHeaders.SUBJECT);
    String eventType = HeraldHeaders.first(headers, HeraldHeaders.EVENT_TYPE);
    OptionalLong sequence;
    try {
      sequence = parseSequence(HeraldHeaders.first(headers, HeraldHeaders.SEQUENCE));
    } catch (NumberFormatException e) {
      return new ReceiveResult.Rejected(
          WebhookVerificationException.Reason.MALFORMED, "webhook-sequence is not a positive integer");
    }
    if (dedupe != null && !dedupe.firstSeen(webhookId)) {
      return new ReceiveResult.Duplicate(webhookId);
    }
    if (tracker != null && subject != null && sequence.isPresent()) {
      Decision decision;
      try {
        decision = tracker.observe(subject, sequence.getAsLong(), isTerminal(eventType));
      } catch (RuntimeException e) {
        if (dedupe != null) {
          dedupe.forget(webhookId); // not processed: the retry must not look like a duplicate
        }
        throw e;
      }
      if (!decision.accepted()) {
        return new ReceiveResult.Skipped(webhookId, subject, sequence.getAsLong(), decision);
      }
    }
    return new ReceiveResult.Accepted(
        webhookId, Optional.ofNullable(subject), sequence, Optional.ofNullable(eventType), body);
  }

  /**
   * Undoes what {@link #receive} recorded for an accepted message whose handling failed: the ordering step (if the
   * message is still its subject's latest) and the dedupe mark. Herald's retry of the message is then processed.
   *
   * @throws StoreException if a store fails
   */
  public void forget(ReceiveResult.Accepted accepted) {
    try {
      if (tracker != null && accepted.subject().isPresent() && accepted.sequence().isPresent()) {
        tracker.forget(accepted.subject().get(), accepted.sequence().getAsLong());
      }
    } finally {
      if (dedupe != null) {
        dedupe.forget(accepted.webhookId());
      }
    }
  }

  /** Whether {@code eventType} is one of the configured terminal event types. */
  public boolean isTerminal(String eventType) {
    return eventType != null && terminalEventTypes.contains(eventType);
  }

  private static OptionalLong parseSequence(String text) {
    if (text == null) {
      return OptionalLong.empty();
    }
    long value = Long.parseLong(text);
    if (value < 1) {
      throw new NumberFormatException("sequence below 1");
    }
    return OptionalLong.of(value);
  }
}
