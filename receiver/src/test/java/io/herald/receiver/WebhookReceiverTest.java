package io.herald.receiver;

import static io.herald.receiver.Messages.NOW;
import static io.herald.receiver.Messages.event;
import static io.herald.receiver.Messages.signed;
import static io.herald.receiver.Messages.utf8;
import static io.herald.signature.WebhookVerificationException.Reason.BAD_TOKEN;
import static io.herald.signature.WebhookVerificationException.Reason.EXPIRED;
import static io.herald.signature.WebhookVerificationException.Reason.MALFORMED;
import static io.herald.signature.WebhookVerificationException.Reason.MISSING_HEADER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.receiver.ReceiveResult.Accepted;
import io.herald.receiver.ReceiveResult.Duplicate;
import io.herald.receiver.ReceiveResult.Rejected;
import io.herald.receiver.ReceiveResult.Skipped;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class WebhookReceiverTest {
  static final String TOKEN = "endpoint-token-42";
  static final byte[] BODY = utf8("{\"orderId\":\"o-1\"}");

  final MutableClock clock = MutableClock.atEpochSecond(NOW);
  final InMemoryDedupeStore dedupe = new InMemoryDedupeStore(1000, Duration.ofDays(3), clock);
  final InMemorySubjectTracker tracker = new InMemorySubjectTracker(clock);
  final WebhookReceiver receiver = WebhookReceiver.builder().secrets(List.of(Messages.SECRET)).clock(clock)
      .dedupeStore(dedupe).subjectTracker(tracker).terminalEventTypes("ORDER_DATA_COMPLETED").build();

  @Test
  void accepts_a_signed_message_and_exposes_subject_sequence_and_event_type() {
    ReceiveResult result = receiver.receive(event("msg_1", "o-1", 3, "ORDER_DATA_PROGRESS", BODY), BODY);
    assertThat(result).isEqualTo(new Accepted("msg_1", Optional.of("o-1"), OptionalLong.of(3),
        Optional.of("ORDER_DATA_PROGRESS"), BODY.clone()));
    assertThat(((Accepted) result).bodyAsString()).isEqualTo("{\"orderId\":\"o-1\"}");
    assertThat(result.httpStatus()).isEqualTo(204);
  }

  @Test
  void unsigned_request_is_rejected_with_missing_header_and_records_nothing() {
    ReceiveResult result = receiver.receive(Map.of("content-type", List.of("application/json")), BODY);
    assertThat(result).isEqualTo(new Rejected(MISSING_HEADER, "missing webhook-id header"));
    assertThat(result.httpStatus()).isEqualTo(401);
    assertThat(dedupe.size()).isZero();
  }

  @Test
  void expired_request_is_rejected_with_expired() {
    Map<String, List<String>> headers = signed("msg_1", NOW, BODY);
    clock.advance(Duration.ofMinutes(5).plusSeconds(1));
    assertThat(receiver.receive(headers, BODY)).isInstanceOfSatisfying(Rejected.class,
        r -> assertThat(r.reason()).isEqualTo(EXPIRED));
    assertThat(dedupe.size()).isZero();
  }

  @Test
  void tolerance_is_configurable() {
    WebhookReceiver lenient = WebhookReceiver.builder().secrets(List.of(Messages.SECRET)).clock(clock)
        .tolerance(Duration.ofHours(1)).build();
    Map<String, List<String>> headers = signed("msg_1", NOW, BODY);
    clock.advance(Duration.ofMinutes(59));
    assertThat(lenient.receive(headers, BODY)).isInstanceOf(Accepted.class);
  }

  @Test
  void wrong_or_missing_bearer_token_is_rejected_with_bad_token_without_leaking_it() {
    WebhookReceiver withToken = WebhookReceiver.builder().secrets(List.of(Messages.SECRET)).clock(clock)
        .bearerToken(TOKEN).dedupeStore(dedupe).build();
    ReceiveResult wrong = withToken.receive(signed("msg_1", NOW, BODY, "Authorization", "Bearer guess-123"), BODY);
    ReceiveResult missing = withToken.receive(signed("msg_1", NOW, BODY), BODY);
    ReceiveResult right = withToken.receive(signed("msg_1", NOW, BODY, "authorization", "Bearer " + TOKEN), BODY);

    assertThat(wrong).isInstanceOfSatisfying(Rejected.class, r -> {
      assertThat(r.reason()).isEqualTo(BAD_TOKEN);
      assertThat(r.message()).doesNotContain(TOKEN).doesNotContain("guess-123");
    });
    assertThat(missing).isInstanceOfSatisfying(Rejected.class, r -> assertThat(r.reason()).isEqualTo(BAD_TOKEN));
    assertThat(right).as("rejections did not mark the id seen").isInstanceOf(Accepted.class);
  }

  @Test
  void header_names_are_case_insensitive_and_svix_names_work() {
    Map<String, List<String>> headers = Map.of(
        "SVIX-ID", signed("msg_1", NOW, BODY).get("webhook-id"),
        "Svix-Timestamp", signed("msg_1", NOW, BODY).get("webhook-timestamp"),
        "svix-signature", signed("msg_1", NOW, BODY).get("webhook-signature"),
        "Webhook-Subject", List.of("o-1"), "WEBHOOK-SEQUENCE", List.of("1"));
    assertThat(receiver.receive(headers, BODY)).isInstanceOfSatisfying(Accepted.class,
        a -> assertThat(a.sequence()).hasValue(1));
  }

  @Test
  void retry_of_the_same_webhook_id_is_a_duplicate() {
    receiver.receive(event("msg_1", "o-1", 1, "ORDER_DATA_STARTED", BODY), BODY);
    ReceiveResult retry = receiver.receive(event("msg_1", "o-1", 1, "ORDER_DATA_STARTED", BODY), BODY);
    assertThat(retry).isEqualTo(new Duplicate("msg_1"));
    assertThat(retry.httpStatus()).isEqualTo(204);
  }

  @Test
  void a_message_skipped_by_ordering_still_counts_as_seen() {
    receiver.receive(event("msg_5", "o-1", 5, "ORDER_DATA_COMPLETED", BODY), BODY);
    ReceiveResult late = receiver.receive(event("msg_6", "o-1", 6, "ORDER_DATA_PROGRESS", BODY), BODY);
    ReceiveResult lateRetry = receiver.receive(event("msg_6", "o-1", 6, "ORDER_DATA_PROGRESS", BODY), BODY);

    assertThat(late).isEqualTo(new Skipped("msg_6", "o-1", 6, Decision.AFTER_TERMINAL));
    assertThat(late.httpStatus()).isEqualTo(204);
    assertThat(lateRetry).isEqualTo(new Duplicate("msg_6"));
  }

  @Test
  void forget_after_a_failed_handler_lets_herald_retry_through() {
    Accepted first = (Accepted) receiver.receive(event("msg_5", "o-1", 5, "ORDER_DATA_COMPLETED", BODY), BODY);
    receiver.forget(first); // the handler threw

    ReceiveResult retry = receiver.receive(event("msg_5", "o-1", 5, "ORDER_DATA_COMPLETED", BODY), BODY);
    assertThat(retry).isEqualTo(first);
    assertThat(receiver.receive(event("msg_6", "o-1", 6, "ORDER_DATA_PROGRESS", BODY), BODY))
        .as("the retried completion ended the subject again").isInstanceOf(Skipped.class);
  }

  @Test
  void a_failing_tracker_leaves_the_id_unmarked_so_the_retry_is_processed() {
    SubjectTracker broken = new SubjectTracker() {
      public Decision observe(String subject, long sequence, boolean terminal) {
        throw new StoreException("database down");
      }

      public void forget(String subject, long sequence) {}
    };
    WebhookReceiver failing = WebhookReceiver.builder().secrets(List.of(Messages.SECRET)).clock(clock)
        .dedupeStore(dedupe).subjectTracker(broken).build();
    assertThatThrownBy(() -> failing.receive(event("msg_1", "o-1", 1, "X", BODY), BODY))
        .isInstanceOf(StoreException.class);
    assertThat(receiver.receive(event("msg_1", "o-1", 1, "X", BODY), BODY)).isInstanceOf(Accepted.class);
  }

  @Test
  void malformed_sequence_is_rejected_and_not_marked_seen() {
    for (String bad : new String[] {"abc", "0", "-3", "1.5", "99999999999999999999"}) {
      Map<String, List<String>> headers = signed("msg_1", NOW, BODY, "webhook-subject", "o-1", "webhook-sequence", bad);
      assertThat(receiver.receive(headers, BODY)).as(bad)
          .isEqualTo(new Rejected(MALFORMED, "webhook-sequence is not a positive integer"));
    }
    assertThat(dedupe.size()).isZero();
  }

  @Test
  void messages_without_subject_or_sequence_skip_ordering() {
    assertThat(receiver.receive(signed("msg_1", NOW, BODY, "webhook-subject", "o-1"), BODY))
        .isInstanceOfSatisfying(Accepted.class, a -> assertThat(a.sequence()).isEmpty());
    assertThat(receiver.receive(signed("msg_2", NOW, BODY), BODY))
        .isEqualTo(new Accepted("msg_2", Optional.empty(), OptionalLong.empty(), Optional.empty(), BODY));
    assertThat(tracker.size()).isZero();
  }

  @Test
  void without_stores_every_verified_message_is_accepted() {
    WebhookReceiver bare = WebhookReceiver.builder().secrets(List.of(Messages.SECRET)).clock(clock).build();
    assertThat(bare.receive(signed("msg_1", NOW, BODY), BODY)).isInstanceOf(Accepted.class);
    assertThat(bare.receive(signed("msg_1", NOW, BODY), BODY)).isInstanceOf(Accepted.class);
    bare.forget((Accepted) bare.receive(signed("msg_1", NOW, BODY), BODY)); // harmless
  }

  @Test
  void builder_refuses_incomplete_or_contradictory_configuration() {
    assertThatIllegalStateException().isThrownBy(() -> WebhookReceiver.builder().build());
    assertThatIllegalStateException().isThrownBy(
        () -> WebhookReceiver.builder().secret(Messages.SECRET.reveal()).terminalEventTypes("DONE").build());
    assertThatIllegalStateException().isThrownBy(() -> WebhookReceiver.builder().secret(Messages.SECRET.reveal())
        .verifier(io.herald.signature.WebhookVerifier.of(Messages.SECRET)).build());
  }
}
