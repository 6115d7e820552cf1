package io.herald.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads fields from a request's JSON object, validating as it goes. Every failure is a 422 whose detail names the
 * field and what it must be, e.g. {@code uid: must match ^[a-zA-Z0-9\-_.]+$ (letters, digits, - _ .)}.
 */
public final class Input {
  /** Svix's pattern for uids, event type names, channels and event ids. */
  public static final Pattern NAME = Pattern.compile("^[a-zA-Z0-9\\-_.]+$");

  private final ObjectNode node;

  public Input(ObjectNode node) {
    this.node = node;
  }

  public static Input of(byte[] body) {
    return new Input(Json.parseObject(body));
  }

  public boolean has(String field) {
    return node.has(field) && !node.get(field).isNull();
  }

  /** True when the field is present, even as null (PATCH uses null to clear). */
  public boolean present(String field) {
    return node.has(field);
  }

  public JsonNode raw(String field) {
    return node.get(field);
  }

  public String requiredString(String field, int maxLength) {
    return optionalString(field, maxLength).orElseThrow(() -> ApiException.validation(field, "is required"));
  }

  public Optional<String> optionalString(String field, int maxLength) {
    if (!has(field)) {
      return Optional.empty();
    }
    JsonNode v = node.get(field);
    if (!v.isTextual()) {
      throw ApiException.validation(field, "must be a string");
    }
    String s = v.asText();
    if (s.length() > maxLength) {
      throw ApiException.validation(field, "must be at most " + maxLength + " characters");
    }
    return Optional.of(s);
  }

  /** An identifier-like string (uid, event type, channel): 1-{@code maxLength} of letters, digits, - _ . */
  public Optional<String> optionalName(String field, int maxLength) {
    Optional<String> s = optionalString(field, maxLength);
    s.ifPresent(v -> checkName(field, v, maxLength));
    return s;
  }

  public static void checkName(String field, String value, int maxLength) {
    if (value.isEmpty() || value.length() > maxLength || !NAME.matcher(value).matches()) {
      throw ApiException.validation(field,
          "must be 1-" + maxLength + " characters of letters, digits, '-', '_' or '.', got '" + abbreviate(value) + "'");
    }
  }

  public boolean bool(String field, boolean fallback) {
    if (!has(field)) {
      return fallback;
    }
    JsonNode v = node.get(field);
    if (!v.isBoolean()) {
      throw ApiException.validation(field, "must be true or false");
    }
    return v.booleanValue();
  }

  public Optional<Integer> optionalInt(String field, int min, int max) {
    if (!has(field)) {
      return Optional.empty();
    }
    JsonNode v = node.get(field);
    if (!v.canConvertToInt() || !v.isIntegralNumber() || v.intValue() < min || v.intValue() > max) {
      throw ApiException.validation(field, "must be a whole number from " + min + " to " + max);
    }
    return Optional.of(v.intValue());
  }

  /** A list of names; null or absent gives empty. */
  public Optional<List<String>> optionalNames(String field, int maxLength) {
    if (!has(field)) {
      return Optional.empty();
    }
    JsonNode v = node.get(field);
    if (!v.isArray()) {
      throw ApiException.validation(field, "must be an array of strings");
    }
    List<String> out = new ArrayList<>();
    for (JsonNode item : v) {
      if (!item.isTextual()) {
        throw ApiException.validation(field, "must be an array of strings");
      }
      checkName(field, item.asText(), maxLength);
      if (!out.contains(item.asText())) {
        out.add(item.asText());
      }
    }
    return Optional.of(List.copyOf(out));
  }

  /** A JSON object field, returned as its JSON text. */
  public Optional<ObjectNode> optionalObject(String field) {
    if (!has(field)) {
      return Optional.empty();
    }
    JsonNode v = node.get(field);
    if (!(v instanceof ObjectNode obj)) {
      throw ApiException.validation(field, "must be a JSON object");
    }
    return Optional.of(obj);
  }

  /** A JSON object whose values are all strings (metadata, headers). */
  public Optional<Map<String, String>> optionalStringMap(String field) {
    Optional<ObjectNode> obj = optionalObject(field);
    if (obj.isEmpty()) {
      return Optional.empty();
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : obj.get().properties()) {
      if (!e.getValue().isTextual()) {
        throw ApiException.validation(field + "." + e.getKey(), "must be a string");
      }
      out.put(e.getKey(), e.getValue().asText());
    }
    return Optional.of(out);
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }
}
