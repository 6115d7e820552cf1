package io.herald.server.testing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a {@link ScriptedReceiver} does with one request, after reading it completely. Usually built
 * through {@link Script}; the records are public so a test can pass its own to {@link Script#respond(Response)}.
 */
public sealed interface Response {

    /** The answer when nothing is scripted: {@code 200} with body {@code ok}. */
    Response OK = reply(200, "ok");

    /**
     * A complete answer. The receiver writes {@code Date}, {@code Content-Length} and {@code Connection}
     * itself; same-named framing headers here ({@code Content-Length}, {@code Transfer-Encoding},
     * {@code Connection}) are dropped.
     */
    record Reply(int status, Map<String, String> headers, byte[] body) implements Response {
        public Reply {
            checkStatus(status);
            headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
            body = body.clone();
        }

        @Override
        public byte[] body() {
            return body.clone();
        }

        /** A copy of this reply with one more header (replacing a same-named one). */
        public Reply withHeader(String name, String value) {
            Map<String, String> more = new LinkedHashMap<>(headers);
            more.put(Objects.requireNonNull(name), Objects.requireNonNull(value));
            return new Reply(status, more, body);
        }
    }

    /** Never answer; the connection stays open until the client gives up or the receiver closes. */
    record Hang() implements Response {}

    /** Close the connection with {@code SO_LINGER 0}, so the client sees a TCP reset instead of an answer. */
    record Reset() implements Response {}

    /** Send the head with {@code Content-Length: bytes}, then the body one byte every {@code perByte}. */
    record Dribble(int status, int bytes, Duration perByte) implements Response {
        public Dribble {
            checkStatus(status);
            if (bytes < 0 || perByte.isNegative()) {
                throw new IllegalArgumentException("bytes and perByte must not be negative");
            }
        }
    }

    /** Stream a body of {@code bytes} filler bytes with {@code Content-Length}, without holding it in memory. */
    record Huge(int status, long bytes) implements Response {
        public Huge {
            checkStatus(status);
            if (bytes < 0) {
                throw new IllegalArgumentException("bytes must not be negative");
            }
        }
    }

    /** Wait {@code delay} (cut short by closing the receiver), then do {@code then}. */
    record Delayed(Duration delay, Response then) implements Response {
        public Delayed {
            if (delay.isNegative()) {
                throw new IllegalArgumentException("delay must not be negative");
            }
            Objects.requireNonNull(then);
        }
    }

    static Reply status(int status) {
        return new Reply(status, Map.of(), new byte[0]);
    }

    static Reply reply(int status, String body) {
        return new Reply(status, Map.of("Content-Type", "text/plain; charset=utf-8"), body.getBytes(StandardCharsets.UTF_8));
    }

    private static void checkStatus(int status) {
        if (status < 200 || status > 999) {
            throw new IllegalArgumentException("status must be a final status 200..999: " + status);
        }
    }
}
