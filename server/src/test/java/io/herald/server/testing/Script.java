package io.herald.server.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The answers for one path, as a queue: each request takes the next step, and the last step repeats
 * forever. An empty script answers {@link Response#OK}. Every method appends a step (the {@code then…}
 * spellings only read better), except {@link #delay} and {@link #times}, which shape their neighbours:
 *
 * <pre>{@code
 * receiver.on("/hooks").respond(500).times(3).thenRespond(200);
 * receiver.on("/slow").delay(Duration.ofSeconds(2)).respond(200);
 * receiver.on("/limited").respondWithHeader(429, "Retry-After", "1").thenRespond(200);
 * receiver.on("/flaky").reset().thenRespond(200);
 * }</pre>
 *
 * Thread-safe; steps may be added while requests are being served.
 */
public final class Script {

    private final List<Response> steps = new ArrayList<>();
    private Duration pendingDelay;
    private int served;

    Script() {}

    /** Appends {@code response}, delayed if {@link #delay} came just before. */
    public synchronized Script respond(Response response) {
        Objects.requireNonNull(response);
        steps.add(pendingDelay == null ? response : new Response.Delayed(pendingDelay, response));
        pendingDelay = null;
        return this;
    }

    /** Answer {@code status} with an empty body. */
    public Script respond(int status) {
        return respond(Response.status(status));
    }

    /** Answer {@code status} with a {@code text/plain} body. */
    public Script respond(int status, String body) {
        return respond(Response.reply(status, body));
    }

    /** Answer {@code status} with an empty body and one extra header, e.g. {@code 429} and {@code Retry-After}. */
    public Script respondWithHeader(int status, String name, String value) {
        return respond(Response.status(status).withHeader(name, value));
    }

    public Script thenRespond(int status) {
        return respond(status);
    }

    public Script thenRespond(int status, String body) {
        return respond(status, body);
    }

    public Script thenRespondWithHeader(int status, String name, String value) {
        return respondWithHeader(status, name, value);
    }

    /** Repeats the last step so it is used {@code n} times in all before the next one. */
    public synchronized Script times(int n) {
        if (steps.isEmpty() || n < 1) {
            throw new IllegalStateException("times(" + n + ") needs a preceding step and n >= 1");
        }
        Response last = steps.get(steps.size() - 1);
        for (int i = 1; i < n; i++) {
            steps.add(last);
        }
        return this;
    }

    /**
     * Waits {@code delay} before the next step appended; if none follows, before the default
     * {@code 200 ok}. Closing the receiver cuts the wait short.
     */
    public synchronized Script delay(Duration delay) {
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay must not be negative: " + delay);
        }
        pendingDelay = pendingDelay == null ? delay : pendingDelay.plus(delay);
        return this;
    }

    /** Read the request, then never answer until the client or the receiver closes the connection. */
    public Script hang() {
        return respond(new Response.Hang());
    }

    /** Read the request, then close the socket with {@code SO_LINGER 0}: the client sees a connection reset. */
    public Script reset() {
        return respond(new Response.Reset());
    }

    /** Send the head with {@code Content-Length: bytes}, then the body one byte every {@code perChunk}. */
    public Script dribbleBody(int status, int bytes, Duration perChunk) {
        return respond(new Response.Dribble(status, bytes, perChunk));
    }

    /** Stream a body of {@code bytes} bytes with {@code Content-Length}. */
    public Script hugeBody(int status, long bytes) {
        return respond(new Response.Huge(status, bytes));
    }

    /** Answer {@code 302 Found} with {@code Location: location}. */
    public Script redirectTo(String location) {
        return respond(Response.status(302).withHeader("Location", location));
    }

    /** The step for the next request, advancing the queue. */
    synchronized Response next() {
        List<Response> view = steps;
        if (pendingDelay != null) {
            view = new ArrayList<>(steps);
            view.add(new Response.Delayed(pendingDelay, Response.OK));
        }
        if (view.isEmpty()) {
            return Response.OK;
        }
        Response step = view.get(Math.min(served, view.size() - 1));
        if (served < view.size() - 1) {
            served++;
        }
        return step;
    }
}
