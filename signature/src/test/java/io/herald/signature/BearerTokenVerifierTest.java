package io.herald.signature;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BearerTokenVerifierTest {
  static final String TOKEN = "s3cr3t-token-value";
  final BearerTokenVerifier verifier = BearerTokenVerifier.of(TOKEN);

  @Test
  void accepts_the_configured_token_with_any_scheme_case_and_header_name_case() {
    assertThatCode(() -> verifier.verify("Bearer " + TOKEN)).doesNotThrowAnyException();
    assertThatCode(() -> verifier.verify("bearer  " + TOKEN + " ")).doesNotThrowAnyException();
    assertThatCode(() -> verifier.verify(Map.of("AUTHORIZATION", List.of("Bearer " + TOKEN))))
        .doesNotThrowAnyException();
    assertThatCode(() -> verifier.verify(Map.of("authorization", "Bearer " + TOKEN))).doesNotThrowAnyException();
  }

  @Test
  void rejects_wrong_missing_and_non_bearer_values_with_bad_token() {
    for (String value : new String[] {
        "Bearer " + TOKEN + "x", "Bearer " + TOKEN.substring(1), "Bearer", "Basic " + TOKEN, TOKEN, "", null}) {
      WebhookVerificationException e =
          catchThrowableOfType(WebhookVerificationException.class, () -> verifier.verify(value));
      assertThat(e).as(String.valueOf(value)).isNotNull();
      assertThat(e.reason()).isEqualTo(WebhookVerificationException.Reason.BAD_TOKEN);
    }
    WebhookVerificationException missing =
        catchThrowableOfType(WebhookVerificationException.class, () -> verifier.verify(Map.of()));
    assertThat(missing.getMessage()).isEqualTo("missing Authorization header");
  }

  @Test
  void messages_and_to_string_never_contain_either_token() {
    String presented = "attacker-guess-123";
    WebhookVerificationException e =
        catchThrowableOfType(WebhookVerificationException.class, () -> verifier.verify("Bearer " + presented));
    assertThat(e.getMessage()).doesNotContain(TOKEN).doesNotContain(presented);
    assertThat(verifier.toString()).doesNotContain(TOKEN);
  }

  @Test
  void refuses_blank_or_whitespace_tokens_at_configuration() {
    assertThatIllegalArgumentException().isThrownBy(() -> BearerTokenVerifier.of(" "));
    assertThatIllegalArgumentException().isThrownBy(() -> BearerTokenVerifier.of("a b"));
    assertThatIllegalArgumentException().isThrownBy(() -> BearerTokenVerifier.of(null));
  }
}
