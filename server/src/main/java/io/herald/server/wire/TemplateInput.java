package io.herald.server.wire;

import com.fasterxml.jackson.core.type.TypeReference;
import io.herald.server.api.Json;
import io.herald.server.application.Application;
import io.herald.server.message.Message;
import io.herald.server.subject.Subject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The document templates are evaluated over, as plain maps and lists:
 *
 * <pre>
 * {"message":     {id, eventType, eventId, channels, timestamp, subject, sequence, user, labels, metadata},
 *  "payload":     the payload as sent,
 *  "subject":     {id, metadata, state, lastSequence, firstEventAt, lastEventAt}   (absent without a subject),
 *  "application": {id, uid, name, metadata},
 *  "endpoint":    {id, uid, url, description, metadata},
 *  "eventType":   {name, category, lifecycle}}
 * </pre>
 *
 * Absent values are left out, so a template reads them as undefined (e.g. {@code message.user} for a message without
 * a user), which omits a header or a field.
 */
public final class TemplateInput {
  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

  private TemplateInput() {}

  public static Map<String, Object> of(WireContext ctx) {
    Message m = ctx.message();
    Map<String, Object> message = new LinkedHashMap<>();
    put(message, "id", m.id());
    put(message, "eventType", m.eventType());
    put(message, "eventId", m.eventId());
    put(message, "channels", m.channels());
    put(message, "timestamp", Json.time(m.createdAt()));
    put(message, "subject", m.subject());
    put(message, "sequence", m.sequence());
    put(message, "user", m.user());
    put(message, "labels", m.labels());
    put(message, "metadata", object(m.metadata()));

    Map<String, Object> input = new LinkedHashMap<>();
    input.put("message", message);
    put(input, "payload", m.payload() == null ? null : object(m.payload()));
    if (ctx.subject() != null) {
      Subject s = ctx.subject();
      Map<String, Object> subject = new LinkedHashMap<>();
      put(subject, "id", s.id());
      put(subject, "metadata", object(s.metadata()));
      put(subject, "state", s.state());
      put(subject, "lastSequence", s.lastSequence());
      put(subject, "firstEventAt", s.firstEventAt() == null ? null : Json.time(s.firstEventAt()));
      put(subject, "lastEventAt", s.lastEventAt() == null ? null : Json.time(s.lastEventAt()));
      input.put("subject", subject);
    }
    Application a = ctx.application();
    Map<String, Object> application = new LinkedHashMap<>();
    put(application, "id", a.id());
    put(application, "uid", a.uid());
    put(application, "name", a.name());
    put(application, "metadata", object(a.metadata()));
    input.put("application", application);
    WireContext.EndpointFacts e = ctx.endpoint();
    Map<String, Object> endpoint = new LinkedHashMap<>();
    put(endpoint, "id", e.id());
    put(endpoint, "uid", e.uid());
    put(endpoint, "url", e.url());
    put(endpoint, "description", e.description());
    put(endpoint, "metadata", object(e.metadata()));
    input.put("endpoint", endpoint);
    Map<String, Object> eventType = new LinkedHashMap<>();
    put(eventType, "name", m.eventType());
    put(eventType, "category", ctx.eventCategory());
    put(eventType, "lifecycle", ctx.eventLifecycle());
    input.put("eventType", eventType);
    return input;
  }

  /**
   * A context with every field filled, for checking a template when it is saved: a template that fails on it (or
   * runs past the bounds) is refused with the reason.
   */
  public static WireContext sample() {
    long t = 1_710_428_150_094L;
    Message m = new Message("msg_sample", "app_sample", "evt-1", "order.updated", List.of("eu"),
        "{\"id\":\"1234\",\"amount\":20.0}".getBytes(java.nio.charset.StandardCharsets.UTF_8), t, "order-1234", 2L,
        "jdoe", Map.of("pipelineId", "p-1", "stepId", "s-1"), "{\"source\":\"sample\"}");
    return new WireContext(m, new Application("app_sample", "acme", "Acme", null, "{}", t, t),
        new Subject("app_sample", "order-1234", "{\"customer\":\"c-1\"}", Subject.OPEN, 2, t, t, null, t, t),
        "OrderEvents", "progress", new WireContext.EndpointFacts("ep_sample", "main", "https://example.com/hook", "",
            "{}"));
  }

  private static void put(Map<String, Object> map, String key, Object value) {
    if (value != null) {
      map.put(key, value);
    }
  }

  private static Map<String, Object> object(String json) {
    return json == null ? null : object(json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  private static Map<String, Object> object(byte[] json) {
    try {
      return Json.MAPPER.readValue(json, MAP);
    } catch (IOException e) {
      throw new UncheckedIOException("stored JSON is unreadable", e);
    }
  }
}
