package io.herald.receiver;

import static io.herald.signature.WebhookVerificationException.Reason.BAD_SIGNATURE;
import static io.herald.signature.WebhookVerificationException.Reason.BAD_TOKEN;
import static io.herald.signature.WebhookVerificationException.Reason.EXPIRED;
import static io.herald.signature.WebhookVerificationException.Reason.FUTURE;
import static io.herald.signature.WebhookVerificationException.Reason.MALFORMED;
import static io.herald.signature.WebhookVerificationException.Reason.MISSING_HEADER;
import static org.assertj.core.api.Assertions.assertThat;

import io.herald.receiver.ReceiveResult.Accepted;
import io.herald.receiver.ReceiveResult.Rejected;
import io.herald.signature.WebhookVerificationException.Reason;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Seeded random tampering: every single mutation of a valid request is rejected for the right reason. */
class MutationTest {
  static final long SEED = 20260101L;
  static final int CASES = 6_000;
  static final long NOW = Messages.NOW;
  static final long TOLERANCE = 300;
  static final String TOKEN = "tok_Zx81kQp3Lm";
  static final String ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  static final String BASE64 = ALNUM + "+/=";

  enum Kind { BODY, ID, TIMESTAMP, SIGNATURE, TOKEN, DROP_ID, DROP_TIMESTAMP, DROP_SIGNATURE, DROP_AUTHORIZATION }

  final Random random = new Random(SEED);
  final WebhookReceiver receiver = WebhookReceiver.builder().secrets(List.of(Messages.SECRET)).bearerToken(TOKEN)
      .clock(MutableClock.atEpochSecond(NOW)).build();

  @Test
  void every_mutation_is_rejected_with_the_right_reason_and_the_original_is_accepted() {
    Map<Reason, Integer> reasons = new EnumMap<>(Reason.class);
    int malleableSignatures = 0;
    for (int i = 0; i < CASES; i++) {
      String id = "msg_" + text(ALNUM, 8 + random.nextInt(20));
      long timestamp = NOW - TOLERANCE + random.nextInt((int) (2 * TOLERANCE + 1));
      byte[] body = new byte[1 + random.nextInt(200)];
      random.nextBytes(body);
      Map<String, List<String>> original = Messages.signed(id, timestamp, body, "Authorization", "Bearer " + TOKEN);
      assertThat(receiver.receive(original, body)).as("case %d unmutated", i).isInstanceOf(Accepted.class);

      Map<String, List<String>> headers = new HashMap<>(original);
      byte[] mutatedBody = body.clone();
      Kind kind = Kind.values()[i % Kind.values().length];
      Reason expected;
      switch (kind) {
        case BODY:
          mutatedBody[random.nextInt(body.length)] ^= (byte) (1 + random.nextInt(255));
          expected = BAD_SIGNATURE;
          break;
        case ID:
          boolean dot = random.nextInt(10) == 0;
          headers.put("webhook-id", List.of(replaceChar(id, dot ? "." : ALNUM)));
          expected = dot ? MALFORMED : BAD_SIGNATURE;
          break;
        case TIMESTAMP:
          String ts = replaceChar(Long.toString(timestamp), "0123456789");
          headers.put("webhook-timestamp", List.of(ts));
          long mutated = Long.parseLong(ts);
          expected = mutated < NOW - TOLERANCE ? EXPIRED : mutated > NOW + TOLERANCE ? FUTURE : BAD_SIGNATURE;
          break;
        case SIGNATURE:
          String signature = original.get("webhook-signature").get(0);
          int position = random.nextInt(signature.length());
          String mutatedSignature = replaceAt(signature, position, position < 3 ? ALNUM + ",." : BASE64);
          headers.put("webhook-signature", List.of(mutatedSignature));
          expected = position < 3 ? MALFORMED : BAD_SIGNATURE;
          if (position >= 3 && decodesTheSame(signature.substring(3), mutatedSignature.substring(3))) {
            expected = null; // base64 padding bits: a different string for the same MAC, rightly accepted
            malleableSignatures++;
          }
          break;
        case TOKEN:
          headers.put("Authorization", List.of("Bearer " + replaceChar(TOKEN, ALNUM)));
          expected = BAD_TOKEN;
          break;
        case DROP_ID:
          headers.remove("webhook-id");
          expected = MISSING_HEADER;
          break;
        case DROP_TIMESTAMP:
          headers.remove("webhook-timestamp");
          expected = MISSING_HEADER;
          break;
        case DROP_SIGNATURE:
          headers.remove("webhook-signature");
          expected = MISSING_HEADER;
          break;
        default:
          headers.remove("Authorization");
          expected = BAD_TOKEN;
      }
      ReceiveResult result = receiver.receive(headers, mutatedBody);
      if (expected == null) {
        assertThat(result).as("case %d %s", i, kind).isInstanceOf(Accepted.class);
        continue;
      }
      Reason want = expected;
      assertThat(result).as("case %d %s %s", i, kind, headers)
          .isInstanceOfSatisfying(Rejected.class, r -> assertThat(r.reason()).isEqualTo(want));
      reasons.merge(want, 1, Integer::sum);
    }
    assertThat(reasons).as("every rejection reason was exercised")
        .containsOnlyKeys(MISSING_HEADER, MALFORMED, EXPIRED, FUTURE, BAD_SIGNATURE, BAD_TOKEN);
    assertThat(malleableSignatures).isLessThan(CASES / 50);
  }

  private String text(String alphabet, int length) {
    StringBuilder s = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      s.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return s.toString();
  }

  private String replaceChar(String value, String alphabet) {
    return replaceAt(value, random.nextInt(value.length()), alphabet);
  }

  /** Replaces the character at {@code position} with a different one from {@code alphabet}. */
  private String replaceAt(String value, int position, String alphabet) {
    List<Character> choices = new ArrayList<>();
    for (char c : alphabet.toCharArray()) {
      if (c != value.charAt(position)) {
        choices.add(c);
      }
    }
    char replacement = choices.get(random.nextInt(choices.size()));
    return value.substring(0, position) + replacement + value.substring(position + 1);
  }

  private static boolean decodesTheSame(String original, String mutated) {
    try {
      return Arrays.equals(Base64.getDecoder().decode(original), Base64.getDecoder().decode(mutated));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
