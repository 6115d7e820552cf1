package io.herald.server.endpoint;

import com.fasterxml.jackson.databind.JsonNode;
import io.herald.server.api.Json;
import java.util.List;
import java.util.Map;

/**
 * Svix's EndpointOut. {@code filterTypes} is the name the SDKs use; the open-source server's OpenAPI file calls the
 * same list {@code eventTypes}, so both are written. {@code rateLimit} likewise mirrors {@code throttleRate}.
 *
 * <p>Herald's own fields follow: ordering, progress and the wire format. The bearer token is a credential and is
 * never echoed; {@code hasBearerToken} says whether one is set.
 */
public record EndpointOut(String id, String uid, String url, String description, int version, boolean disabled,
    List<String> filterTypes, List<String> eventTypes, List<String> channels, Integer throttleRate, Integer rateLimit,
    JsonNode metadata, String createdAt, String updatedAt, String ordering, String progress, String bodyFormat,
    String bodyTemplate, Map<String, String> headerTemplates, boolean hasBearerToken) {

  public static EndpointOut of(Endpoint e) {
    return new EndpointOut(e.id(), e.uid(), e.url(), e.description(), e.version(), e.disabled(), e.eventTypes(),
        e.eventTypes(), e.channels(), e.throttleRate(), e.throttleRate(), Json.tree(e.metadata()),
        Json.time(e.createdAt()), Json.time(e.updatedAt()), e.ordering().wireName, e.progress().wireName,
        e.wire().bodyFormat().wireName, e.wire().bodyTemplate(), e.wire().headerTemplates(),
        e.wire().bearerToken() != null);
  }
}
