package io.herald.server.endpoint;

import io.herald.server.api.ApiException;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Rules for the headers an operator adds to an endpoint's deliveries. Values may not contain CR, LF or NUL (header
 * injection), and names that would break the request or forge Herald's own headers are refused.
 */
public final class CustomHeaders {
  private static final Pattern TOKEN = Pattern.compile("^[!#$%&'*+\\-.^_`|~0-9A-Za-z]{1,256}$");
  private static final Set<String> RESERVED = Set.of("host", "content-length", "content-type", "transfer-encoding",
      "connection", "keep-alive", "te", "trailer", "upgrade", "proxy-authorization", "proxy-authenticate",
      "proxy-connection", "user-agent", "expect");
  private static final Set<String> SENSITIVE = Set.of("authorization", "cookie", "x-api-key", "api-key", "x-auth-token");

  private CustomHeaders() {}

  public static void validate(Map<String, String> headers) {
    if (headers.size() > 50) {
      throw ApiException.validation("headers", "at most 50 headers are allowed");
    }
    for (Map.Entry<String, String> e : headers.entrySet()) {
      String name = e.getKey();
      validateName("headers." + name, name);
      String value = e.getValue();
      // Printable ASCII only: CR/LF would inject headers, and the HTTP client writes one byte per character, so
      // anything beyond ASCII would arrive mangled.
      if (value == null || value.length() > 4096 || value.chars().anyMatch(c -> (c < 0x20 && c != '\t') || c > 0x7e)) {
        throw ApiException.validation("headers." + name,
            "must be at most 4096 characters of printable ASCII (no CR, LF or control characters); "
                + "percent-encode other text");
      }
    }
  }

  /**
   * Refuses names that are not HTTP tokens, hop-by-hop and framing headers, and the names Herald sets itself
   * ({@code webhook-*}, {@code svix-*}): a custom or templated header must not break the request or forge a signature.
   */
  public static void validateName(String field, String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    if (!TOKEN.matcher(name).matches()) {
      throw ApiException.validation(field, "is not a valid HTTP header name");
    }
    if (RESERVED.contains(lower) || lower.startsWith("webhook-") || lower.startsWith("svix-")) {
      throw ApiException.validation(field, "is set by Herald and cannot be overridden");
    }
  }

  /** Header names whose values the API does not echo back (credentials). */
  public static boolean isSensitive(String name) {
    return SENSITIVE.contains(name.toLowerCase(Locale.ROOT));
  }
}
