package io.herald.receiver;

import io.herald.signature.BearerTokenVerifier;
import io.herald.signature.WebhookSecret;
import io.herald.signature.WebhookVerifier;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Configures a {@link WebhookReceiver}; get one from {@link WebhookReceiver#builder()}. Give either secrets or a
 * verifier; everything else is optional.
 *
 * @since 0.1
 */
public final class WebhookReceiverBuilder {
  private List<WebhookSecret> secrets;
  private WebhookVerifier verifier;
  private BearerTokenVerifier bearer;
  private DedupeStore dedupe;
  private SubjectTracker tracker;
  private Set<String> terminalEventTypes = Set.of();
  private Duration tolerance;
  private Clock clock;

  WebhookReceiverBuilder() {}

  /** The endpoint's signing secret, {@code whsec_<base64>}. */
  public WebhookReceiverBuilder secret(String whsecSecret) {
    return secrets(List.of(WebhookSecret.parse(whsecSecret)));
  }

  /** Several secrets, any of which may have signed: pass the old and the new one during a rotation. */
  public WebhookReceiverBuilder secrets(List<WebhookSecret> secrets) {
    if (secrets.isEmpty()) {
      throw new IllegalArgumentException("at least one secret is needed");
    }
    this.secrets = List.copyOf(secrets);
    return this;
  }

  /** A ready verifier, instead of secrets. {@link #tolerance} and {@link #clock}, if set, are applied to it. */
  public WebhookReceiverBuilder verifier(WebhookVerifier verifier) {
    this.verifier = Objects.requireNonNull(verifier, "verifier");
    return this;
  }

  /** Also require {@code Authorization: Bearer <token>}, for endpoints configured with a bearer token in Herald. */
  public WebhookReceiverBuilder bearerToken(String token) {
    this.bearer = BearerTokenVerifier.of(token);
    return this;
  }

  /** Drop retries of messages already received. Without one, every verified message is new. */
  public WebhookReceiverBuilder dedupeStore(DedupeStore dedupeStore) {
    this.dedupe = Objects.requireNonNull(dedupeStore, "dedupeStore");
    return this;
  }

  /** Skip stale and after-terminal messages per subject. Without one, ordering is not checked. */
  public WebhookReceiverBuilder subjectTracker(SubjectTracker subjectTracker) {
    this.tracker = Objects.requireNonNull(subjectTracker, "subjectTracker");
    return this;
  }

  /** The event types that end a subject, e.g. {@code ORDER_DATA_COMPLETED}; needs a {@link #subjectTracker}. */
  public WebhookReceiverBuilder terminalEventTypes(Set<String> eventTypes) {
    this.terminalEventTypes = Set.copyOf(eventTypes);
    return this;
  }

  /** Same as {@link #terminalEventTypes(Set)}. */
  public WebhookReceiverBuilder terminalEventTypes(String... eventTypes) {
    return terminalEventTypes(Set.of(eventTypes));
  }

  /** How far the timestamp may be from now, either way. Default {@link WebhookVerifier#DEFAULT_TOLERANCE}. */
  public WebhookReceiverBuilder tolerance(Duration tolerance) {
    if (tolerance.isNegative()) {
      throw new IllegalArgumentException("tolerance must not be negative");
    }
    this.tolerance = tolerance;
    return this;
  }

  /** The time source for the timestamp check. Default: the system UTC clock. */
  public WebhookReceiverBuilder clock(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
    return this;
  }

  /**
   * Builds the receiver.
   *
   * @return a thread-safe receiver
   * @throws IllegalStateException if neither or both of secrets and verifier were given, or terminal event types were
   *     given without a subject tracker (they would silently have no effect)
   */
  public WebhookReceiver build() {
    if ((secrets == null) == (verifier == null)) {
      throw new IllegalStateException("give either secret(s) or a verifier");
    }
    if (!terminalEventTypes.isEmpty() && tracker == null) {
      throw new IllegalStateException("terminalEventTypes need a subjectTracker to have any effect");
    }
    WebhookVerifier v = verifier != null ? verifier : WebhookVerifier.of(secrets);
    if (tolerance != null) {
      v = v.withTolerance(tolerance);
    }
    if (clock != null) {
      v = v.withClock(clock);
    }
    return new WebhookReceiver(v, bearer, dedupe, tracker, terminalEventTypes);
  }
}
