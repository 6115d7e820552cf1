package io.herald.server.testing;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One request as the {@link ScriptedReceiver} read it off the wire.
 *
 * @param method     request method, e.g. {@code POST}
 * @param path       request target as sent, including any query, e.g. {@code /hooks?x=1}
 * @param headers    header values by lower-cased name, in arrival order
 * @param body       the body after removing chunked framing; empty when there was none
 * @param receivedAt when the last byte of the request had been read
 */
public record ReceivedRequest(
        String method, String path, Map<String, List<String>> headers, byte[] body, Instant receivedAt) {

    public ReceivedRequest {
        headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
        body = body.clone();
    }

    /** First value of the named header (any case), or {@code null} when absent. */
    public String header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    @Override
    public byte[] body() {
        return body.clone();
    }

    /** The body decoded as UTF-8. */
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** The path without its query string, which is what scripts and {@code requestsTo} match on. */
    public String pathWithoutQuery() {
        int q = path.indexOf('?');
        return q < 0 ? path : path.substring(0, q);
    }

    @Override
    public String toString() {
        String text = bodyText();
        if (text.length() > 200) {
            text = text.substring(0, 200) + "…(" + body.length + " bytes)";
        }
        return method + " " + path + " " + headers + " body=" + text;
    }
}
