package io.herald.server.wire;

import java.util.Map;

/**
 * Save-time checks of templates: each must parse, and must evaluate within the bounds over
 * {@link TemplateInput#sample()}. A template that fails here is refused by the API (422) with the reason, rather
 * than failing every delivery later.
 */
public final class TemplateChecks {
  private TemplateChecks() {}

  /** Why {@code expression} cannot be a body template, or null when it can. */
  public static String bodyProblem(String expression) {
    String syntax = Templates.syntaxError(expression);
    if (syntax != null) {
      return "is not valid JSONata: " + syntax;
    }
    Body body = new TemplateBody(expression).render(TemplateInput.sample());
    if (body instanceof Body.Failed f && !f.reason().contains("produced no value")) {
      return "fails on a sample message: " + f.reason().replaceFirst("^bodyTemplate (failed: )?", "");
    }
    return null;
  }

  /** Why {@code expression} cannot be a header template, or null when it can. */
  public static String headerProblem(String expression) {
    String syntax = Templates.syntaxError(expression);
    if (syntax != null) {
      return "is not valid JSONata: " + syntax;
    }
    Map<String, Object> input = TemplateInput.of(TemplateInput.sample());
    return switch (Templates.evaluate(expression, input)) {
      case Templates.Result.Failed f -> "fails on a sample message: " + f.reason();
      case Templates.Result.Value v -> {
        String problem = WireRenderer.headerValue(v.value());
        yield problem == null ? null : "on a sample message " + problem;
      }
    };
  }
}
