package io.herald.server.endpoint;

import com.fasterxml.jackson.databind.JsonNode;
import io.herald.server.api.ApiException;
import io.herald.server.api.Input;
import io.herald.server.wire.BodyFormat;
import io.herald.server.wire.TemplateChecks;
import io.herald.server.wire.WireSettings;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Reads and validates an endpoint's ordering and wire fields ({@code ordering}, {@code progress}, {@code bodyFormat},
 * {@code bodyTemplate}, {@code bearerToken}, {@code headerTemplates}).
 *
 * <p>On create and PUT an absent field takes its default; on PATCH it keeps its value; {@code null} resets it. The
 * bearer token is a credential and behaves like the signing secret: PUT keeps it unless the body names it.
 */
final class EndpointOptions {
  static final int MAX_HEADER_TEMPLATES = 20;
  static final int MAX_TEMPLATE_LENGTH = 16_384;

  /** The fields this class reads. */
  record Options(Endpoint.Ordering ordering, Endpoint.Progress progress, WireSettings wire) {
    static final Options DEFAULT = new Options(Endpoint.Ordering.NONE, Endpoint.Progress.ALL, WireSettings.RAW);

    static Options of(Endpoint e) {
      return new Options(e.ordering(), e.progress(), e.wire());
    }
  }

  private EndpointOptions() {}

  /**
   * @param old the endpoint's current options, or null on create
   * @param patch true for PATCH (absent fields keep their values)
   */
  static Options read(Input in, Options old, boolean patch) {
    Options base = patch ? old : Options.DEFAULT;
    Endpoint.Ordering ordering = in.present("ordering") ? ordering(in) : base.ordering();
    Endpoint.Progress progress = in.present("progress") ? progress(in) : base.progress();
    if (progress == Endpoint.Progress.LATEST && ordering != Endpoint.Ordering.SUBJECT) {
      throw ApiException.validation("progress", "\"latest\" needs \"ordering\": \"subject\" (progress events are "
          + "skipped only while they wait behind their subject's backlog)");
    }
    String bearer = in.present("bearerToken") ? bearerToken(in) : old == null ? null : old.wire().bearerToken();
    Map<String, String> headerTemplates = in.present("headerTemplates") ? headerTemplates(in)
        : base.wire().headerTemplates();
    if (bearer != null && headerTemplates.keySet().stream().anyMatch(n -> n.equalsIgnoreCase("authorization"))) {
      throw ApiException.validation("headerTemplates.Authorization", "conflicts with bearerToken; set one of them");
    }
    WireSettings body = body(in, base.wire());
    return new Options(ordering, progress, new WireSettings(body.bodyFormat(), body.bodyTemplate(), bearer,
        headerTemplates));
  }

  /** bodyFormat and bodyTemplate together: a template implies the format "template", and that format needs one. */
  private static WireSettings body(Input in, WireSettings base) {
    BodyFormat format = base.bodyFormat();
    String template = base.bodyTemplate();
    boolean formatGiven = in.present("bodyFormat");
    if (formatGiven) {
      String name = in.optionalString("bodyFormat", 32).orElse(BodyFormat.RAW.wireName);
      format = BodyFormat.parse(name).orElseThrow(() ->
          ApiException.validation("bodyFormat", "must be one of " + BodyFormat.names() + ", got '" + name + "'"));
      if (format != BodyFormat.TEMPLATE) {
        template = null;
      }
    }
    if (in.present("bodyTemplate")) {
      template = in.optionalString("bodyTemplate", MAX_TEMPLATE_LENGTH).orElse(null);
      if (template != null) {
        if (formatGiven && format != BodyFormat.TEMPLATE) {
          throw ApiException.validation("bodyTemplate", "cannot be combined with bodyFormat '" + format.wireName
              + "'; leave bodyFormat out or set it to 'template'");
        }
        String problem = TemplateChecks.bodyProblem(template);
        if (problem != null) {
          throw ApiException.validation("bodyTemplate", problem);
        }
        format = BodyFormat.TEMPLATE;
      } else if (format == BodyFormat.TEMPLATE && !formatGiven) {
        format = BodyFormat.RAW;
      }
    }
    if (format == BodyFormat.TEMPLATE && template == null) {
      throw ApiException.validation("bodyTemplate", "is required when bodyFormat is 'template'");
    }
    return new WireSettings(format, template, null, Map.of());
  }

  private static Endpoint.Ordering ordering(Input in) {
    String v = in.optionalString("ordering", 32).orElse("none");
    return switch (v) {
      case "none" -> Endpoint.Ordering.NONE;
      case "subject" -> Endpoint.Ordering.SUBJECT;
      default -> throw ApiException.validation("ordering", "must be \"none\" or \"subject\", got '" + v + "'");
    };
  }

  private static Endpoint.Progress progress(Input in) {
    String v = in.optionalString("progress", 32).orElse("all");
    return switch (v) {
      case "all" -> Endpoint.Progress.ALL;
      case "latest" -> Endpoint.Progress.LATEST;
      default -> throw ApiException.validation("progress", "must be \"all\" or \"latest\", got '" + v + "'");
    };
  }

  private static String bearerToken(Input in) {
    String token = in.optionalString("bearerToken", 4096).orElse(null);
    if (token != null && (token.isEmpty() || !token.chars().allMatch(c -> c > 0x20 && c < 0x7f))) {
      throw ApiException.validation("bearerToken", "must be 1-4096 visible ASCII characters (no spaces)");
    }
    return token;
  }

  private static Map<String, String> headerTemplates(Input in) {
    if (!in.has("headerTemplates")) {
      return Map.of();
    }
    JsonNode node = in.raw("headerTemplates");
    if (!node.isObject()) {
      throw ApiException.validation("headerTemplates", "must be an object of header name to JSONata expression");
    }
    if (node.size() > MAX_HEADER_TEMPLATES) {
      throw ApiException.validation("headerTemplates", "at most " + MAX_HEADER_TEMPLATES + " header templates");
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      String field = "headerTemplates." + e.getKey();
      CustomHeaders.validateName(field, e.getKey());
      if (!e.getValue().isTextual() || e.getValue().asText().length() > MAX_TEMPLATE_LENGTH) {
        throw ApiException.validation(field, "must be a JSONata expression (a string of at most "
            + MAX_TEMPLATE_LENGTH + " characters)");
      }
      String problem = TemplateChecks.headerProblem(e.getValue().asText());
      if (problem != null) {
        throw ApiException.validation(field, problem);
      }
      if (out.keySet().stream().anyMatch(k -> k.toLowerCase(Locale.ROOT).equals(e.getKey().toLowerCase(Locale.ROOT)))) {
        throw ApiException.validation(field, "is given twice (header names are case-insensitive)");
      }
      out.put(e.getKey(), e.getValue().asText());
    }
    return out;
  }
}
