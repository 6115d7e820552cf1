package io.herald.server.testing;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Function;

/** Serves one accepted socket: request after request while both sides keep the connection alive. */
final class ReceiverConnection implements Runnable {

    private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final Set<String> FRAMING = Set.of("content-length", "transfer-encoding", "connection");
    private static final int HUGE_WRITE = 64 * 1024;

    private final Socket socket;
    private final Function<ReceivedRequest, Script> scripts;
    private final BiConsumer<ReceivedRequest, Response> recorder;
    private final CountDownLatch closed;

    ReceiverConnection(Socket socket, Function<ReceivedRequest, Script> scripts, BiConsumer<ReceivedRequest, Response> recorder,
            CountDownLatch closed) {
        this.socket = socket;
        this.scripts = scripts;
        this.recorder = recorder;
        this.closed = closed;
    }

    @Override
    public void run() {
        try (socket) {
            socket.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = new BufferedOutputStream(socket.getOutputStream());
            Http1Parser parser = new Http1Parser(in);
            boolean open = true;
            while (open && closed.getCount() > 0) {
                Http1Parser.Head head;
                byte[] body;
                try {
                    head = parser.readHead();
                    if (head == null) {
                        return;
                    }
                    if (head.hasToken("expect", "100-continue")) {
                        out.write(CONTINUE);
                        out.flush();
                    }
                    body = parser.readBody(head);
                } catch (Http1Parser.MalformedRequestException e) {
                    reply(out, Response.reply(400, e.getMessage() + "\n"), false, false);
                    return;
                }
                ReceivedRequest request = new ReceivedRequest(head.method(), head.target(), head.headers(), body, Instant.now());
                Response step = scripts.apply(request).next();
                recorder.accept(request, step);
                open = answer(in, out, step, head.wantsKeepAlive(), "HEAD".equals(head.method()));
            }
        } catch (IOException e) {
            // The client went away, or the receiver closed the socket under us: either way this connection is done.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Carries out one scripted step; returns whether the connection stays open for another request. */
    private boolean answer(InputStream in, OutputStream out, Response step, boolean keepAlive, boolean headRequest)
            throws IOException, InterruptedException {
        switch (step) {
            case Response.Delayed delayed -> {
                return !pause(delayed.delay()) && answer(in, out, delayed.then(), keepAlive, headRequest);
            }
            case Response.Hang hang -> {
                in.transferTo(OutputStream.nullOutputStream()); // returns when the client closes; throws when we do
                return false;
            }
            case Response.Reset reset -> {
                socket.setSoLinger(true, 0);
                socket.close();
                return false;
            }
            case Response.Reply reply -> {
                reply(out, reply, keepAlive, headRequest);
                return keepAlive;
            }
            case Response.Dribble dribble -> {
                writeHead(out, dribble.status(), Map.of(), dribble.bytes(), keepAlive);
                out.flush();
                for (int i = 0; i < dribble.bytes() && !headRequest; i++) {
                    if (pause(dribble.perByte())) {
                        return false;
                    }
                    out.write('.');
                    out.flush();
                }
                return keepAlive;
            }
            case Response.Huge huge -> {
                writeHead(out, huge.status(), Map.of(), huge.bytes(), keepAlive);
                byte[] chunk = new byte[HUGE_WRITE];
                Arrays.fill(chunk, (byte) 'x');
                for (long left = headRequest ? 0 : huge.bytes(); left > 0; left -= chunk.length) {
                    out.write(chunk, 0, (int) Math.min(left, chunk.length));
                }
                out.flush();
                return keepAlive;
            }
        }
    }

    private static void reply(OutputStream out, Response.Reply reply, boolean keepAlive, boolean headRequest)
            throws IOException {
        byte[] body = reply.body();
        writeHead(out, reply.status(), reply.headers(), body.length, keepAlive);
        if (!headRequest && mayHaveBody(reply.status())) {
            out.write(body);
        }
        out.flush();
    }

    private static void writeHead(OutputStream out, int status, Map<String, String> headers, long contentLength,
            boolean keepAlive) throws IOException {
        StringBuilder head = new StringBuilder(256)
                .append("HTTP/1.1 ").append(status).append(' ').append(reason(status)).append("\r\n")
                .append("Date: ").append(DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC)))
                .append("\r\n");
        headers.forEach((name, value) -> {
            if (!FRAMING.contains(name.toLowerCase(Locale.ROOT))) {
                head.append(name).append(": ").append(value).append("\r\n");
            }
        });
        if (mayHaveBody(status)) {
            head.append("Content-Length: ").append(contentLength).append("\r\n");
        }
        head.append("Connection: ").append(keepAlive ? "keep-alive" : "close").append("\r\n\r\n");
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Waits, unless the receiver closes first; returns whether it did. */
    private boolean pause(Duration duration) throws InterruptedException {
        return closed.await(duration.toNanos(), TimeUnit.NANOSECONDS);
    }

    private static boolean mayHaveBody(int status) {
        return status != 204 && status != 304;
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 201 -> "Created";
            case 202 -> "Accepted";
            case 204 -> "No Content";
            case 301 -> "Moved Permanently";
            case 302 -> "Found";
            case 303 -> "See Other";
            case 307 -> "Temporary Redirect";
            case 308 -> "Permanent Redirect";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 408 -> "Request Timeout";
            case 410 -> "Gone";
            case 413 -> "Content Too Large";
            case 429 -> "Too Many Requests";
            case 500 -> "Internal Server Error";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            default -> "Status " + status;
        };
    }
}
