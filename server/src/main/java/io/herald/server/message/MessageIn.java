package io.herald.server.message;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.herald.server.api.ApiException;
import io.herald.server.api.Input;
import io.herald.server.api.Json;
import io.herald.server.subject.SubjectIds;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A parsed {@code POST /msg} body. The payload is cut out of the request as raw bytes: receivers get exactly what the
 * producer wrote (key order, spacing, number formats), and the signature covers those bytes. Parsing and printing the
 * JSON again would change them.
 */
public record MessageIn(String eventType, String eventId, List<String> channels, byte[] payload, ObjectNode fields,
    String subject, String user, Map<String, String> labels, String metadata) {
  private static final JsonFactory FACTORY = Json.MAPPER.getFactory();
  static final int MAX_LABELS = 32;
  static final int MAX_LABEL_VALUE = 1024;
  static final int MAX_METADATA_BYTES = 65_536;

  public static MessageIn parse(byte[] body) {
    if (body.length == 0) {
      throw ApiException.badRequest("request body is empty: send a JSON object with eventType and payload");
    }
    ObjectNode fields = Json.MAPPER.createObjectNode();
    byte[] payload = null;
    try (JsonParser p = FACTORY.createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw ApiException.badRequest("request body must be a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        if (name.equals("payload")) {
          if (value != JsonToken.START_OBJECT) {
            throw ApiException.validation("payload", "must be a JSON object");
          }
          int start = (int) p.currentTokenLocation().getByteOffset();
          p.skipChildren();
          int end = (int) p.currentLocation().getByteOffset();
          payload = Arrays.copyOfRange(body, start, end);
        } else {
          fields.set(name, p.readValueAsTree());
        }
      }
      if (p.nextToken() != null) {
        throw ApiException.badRequest("malformed JSON: unexpected content after the top-level object");
      }
    } catch (JsonParseException e) {
      throw ApiException.badRequest("malformed JSON: " + e.getOriginalMessage() + " at line "
          + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr());
    } catch (IOException e) {
      throw ApiException.badRequest("unreadable request body");
    }
    if (payload == null) {
      throw ApiException.validation("payload", "is required (a JSON object)");
    }
    Input in = new Input(fields);
    String eventType = in.requiredString("eventType", 256);
    Input.checkName("eventType", eventType, 256);
    String eventId = in.optionalName("eventId", 256).orElse(null);
    List<String> channels = in.optionalNames("channels", 128).orElse(null);
    if (channels != null && channels.size() > 10) {
      throw ApiException.validation("channels", "at most 10 channels per message");
    }
    String subject = in.optionalString("subject", SubjectIds.MAX_LENGTH).map(v -> SubjectIds.check("subject", v))
        .orElse(null);
    String user = in.optionalString("user", 256).orElse(null);
    if (user != null && (user.isEmpty() || user.chars().anyMatch(Character::isISOControl))) {
      throw ApiException.validation("user", "must be 1-256 characters without control characters");
    }
    return new MessageIn(eventType, eventId, channels, payload, fields, subject, user, labels(in), metadata(in));
  }

  private static Map<String, String> labels(Input in) {
    Map<String, String> labels = in.optionalStringMap("labels").orElse(null);
    if (labels == null) {
      return null;
    }
    if (labels.size() > MAX_LABELS) {
      throw ApiException.validation("labels", "at most " + MAX_LABELS + " labels per message");
    }
    labels.forEach((k, v) -> {
      Input.checkName("labels", k, 128);
      if (v.length() > MAX_LABEL_VALUE) {
        throw ApiException.validation("labels." + k, "must be at most " + MAX_LABEL_VALUE + " characters");
      }
    });
    return labels;
  }

  private static String metadata(Input in) {
    String metadata = in.optionalObject("metadata").map(Json::text).orElse(null);
    if (metadata != null && metadata.length() > MAX_METADATA_BYTES) {
      throw ApiException.validation("metadata", "must be at most " + MAX_METADATA_BYTES + " bytes of JSON");
    }
    return metadata;
  }
}
