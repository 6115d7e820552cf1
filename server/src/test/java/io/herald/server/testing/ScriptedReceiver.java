package io.herald.server.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;

/**
 * A real HTTP/1.1 server on {@code 127.0.0.1} and an ephemeral port, for tests that deliver webhooks
 * to it. It records every request and answers as scripted per path, including misbehaviour: delays,
 * hangs, connection resets, slow and huge bodies. Connections are persistent (keep-alive) and each
 * is served by its own virtual thread; request bodies may use {@code Content-Length} or chunked framing.
 *
 * <pre>{@code
 * try (ScriptedReceiver receiver = ScriptedReceiver.start()) {
 *     receiver.on("/hooks").respond(500).times(3).thenRespond(200);
 *     // ... point Herald at receiver.url("/hooks") ...
 *     List<ReceivedRequest> got = receiver.awaitCount(4, Duration.ofSeconds(10));
 * }
 * }</pre>
 *
 * Thread-safe.
 */
public final class ScriptedReceiver implements AutoCloseable {

    private static final byte[] LOOPBACK = {127, 0, 0, 1};

    private final ServerSocket serverSocket;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
    private final CountDownLatch closed = new CountDownLatch(1);
    private final AtomicInteger accepted = new AtomicInteger();

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    private final List<ReceivedRequest> received = new ArrayList<>();
    private final List<Exchange> exchanges = new ArrayList<>();

    private final Map<String, Script> scripts = new ConcurrentHashMap<>();
    private final Map<List<String>, Script> headerScripts = new ConcurrentHashMap<>();
    private volatile Script otherPaths = new Script();

    private ScriptedReceiver(ServerSocket serverSocket) {
        this.serverSocket = serverSocket;
    }

    /** Binds {@code 127.0.0.1} on an ephemeral port and starts accepting connections. */
    public static ScriptedReceiver start() {
        ServerSocket socket;
        try {
            socket = new ServerSocket(0, 512, InetAddress.getByAddress(LOOPBACK));
        } catch (IOException e) {
            throw new UncheckedIOException("could not bind 127.0.0.1:0", e);
        }
        ScriptedReceiver receiver = new ScriptedReceiver(socket);
        receiver.threads.execute(receiver::acceptLoop);
        return receiver;
    }

    public int port() {
        return serverSocket.getLocalPort();
    }

    /** {@code http://127.0.0.1:PORT} followed by {@code path}, e.g. {@code url("/hooks")}. */
    public String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    // ---- scripting ----

    /**
     * Starts a fresh script for requests whose path (without query) is exactly {@code path},
     * replacing any earlier script for it.
     */
    public Script on(String path) {
        if (!path.startsWith("/") || path.contains("?")) {
            throw new IllegalArgumentException("path must start with / and have no query: " + path);
        }
        Script script = new Script();
        scripts.put(path, script);
        return script;
    }

    /**
     * Starts a fresh script for requests carrying header {@code name} (any case) with exactly {@code value}, on any
     * path; it takes precedence over path scripts. Replaces an earlier script for the same header and value. Lets a
     * test answer differently per {@code webhook-subject}, say, on one endpoint.
     */
    public Script onHeader(String name, String value) {
        Script script = new Script();
        headerScripts.put(List.of(name.toLowerCase(java.util.Locale.ROOT), value), script);
        return script;
    }

    /** Starts a fresh script for every path that has no script of its own (initially: {@code 200 ok}). */
    public Script onAnyOtherPath() {
        Script script = new Script();
        otherPaths = script;
        return script;
    }

    /** Forgets all recorded requests and all scripts; connections stay open. */
    public void reset() {
        lock.lock();
        try {
            received.clear();
            exchanges.clear();
            scripts.clear();
            headerScripts.clear();
            otherPaths = new Script();
        } finally {
            lock.unlock();
        }
    }

    // ---- recording ----

    /** Every request so far, in arrival order (a snapshot). */
    public List<ReceivedRequest> requests() {
        lock.lock();
        try {
            return List.copyOf(received);
        } finally {
            lock.unlock();
        }
    }

    /**
     * One request and the scripted step it was answered with. The step is chosen before the request is recorded,
     * so a test can tell exactly which requests got a 2xx even while it re-scripts the path under live traffic.
     */
    public record Exchange(ReceivedRequest request, Response answer) {
        /** The status the step sends: that of the reply (after any delay), or 0 for a hang or a reset. */
        public int status() {
            return statusOf(answer);
        }

        private static int statusOf(Response r) {
            return switch (r) {
                case Response.Reply reply -> reply.status();
                case Response.Delayed delayed -> statusOf(delayed.then());
                case Response.Dribble dribble -> dribble.status();
                case Response.Huge huge -> huge.status();
                case Response.Hang hang -> 0;
                case Response.Reset reset -> 0;
            };
        }
    }

    /** Every request so far with the step it was answered with, in arrival order (a snapshot). */
    public List<Exchange> exchanges() {
        lock.lock();
        try {
            return List.copyOf(exchanges);
        } finally {
            lock.unlock();
        }
    }

    /** The requests whose path without query is exactly {@code path}, in arrival order. */
    public List<ReceivedRequest> requestsTo(String path) {
        return requests().stream().filter(r -> r.pathWithoutQuery().equals(path)).toList();
    }

    /**
     * Blocks until at least {@code n} requests have arrived, then returns them all; throws
     * {@link AssertionError} listing what did arrive if {@code timeout} passes first.
     */
    public List<ReceivedRequest> awaitCount(int n, Duration timeout) {
        lock.lock();
        try {
            long nanos = timeout.toNanos();
            while (received.size() < n) {
                if (nanos <= 0) {
                    throw new AssertionError("expected at least " + n + " request(s) within " + timeout
                            + " but received " + received.size() + describe(received));
                }
                nanos = arrived.awaitNanos(nanos);
            }
            return List.copyOf(received);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while awaiting " + n + " request(s); received "
                    + received.size() + describe(received), e);
        } finally {
            lock.unlock();
        }
    }

    private static String describe(List<ReceivedRequest> requests) {
        return requests.isEmpty() ? "" : requests.stream().map(r -> "\n  " + r).collect(Collectors.joining("", ":", ""));
    }

    /** How many TCP connections have been accepted since start; shows whether a client reuses connections. */
    public int connectionsAccepted() {
        return accepted.get();
    }

    // ---- lifecycle ----

    /** Stops accepting, closes every connection (ending hangs, delays and dribbles) and waits for their threads. */
    @Override
    public void close() {
        if (closed.getCount() == 0) {
            return;
        }
        closed.countDown();
        try {
            serverSocket.close();
        } catch (IOException ignored) {
            // already closed is as good as closed
        }
        connections.forEach(ScriptedReceiver::closeQuietly);
        threads.shutdownNow();
        try {
            if (!threads.awaitTermination(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("receiver threads did not stop within 10s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void acceptLoop() {
        while (closed.getCount() > 0) {
            Socket socket;
            try {
                socket = serverSocket.accept();
            } catch (IOException e) {
                return; // closed
            }
            accepted.incrementAndGet();
            connections.add(socket);
            if (closed.getCount() == 0) { // close() may have swept connections before this one was added
                closeQuietly(socket);
                return;
            }
            try {
                threads.execute(() -> {
                    try {
                        new ReceiverConnection(socket, this::scriptFor, this::record, closed).run();
                    } finally {
                        connections.remove(socket);
                    }
                });
            } catch (RejectedExecutionException e) {
                closeQuietly(socket);
                return;
            }
        }
    }

    private Script scriptFor(ReceivedRequest request) {
        for (Map.Entry<String, List<String>> header : request.headers().entrySet()) {
            for (String value : header.getValue()) {
                Script byHeader = headerScripts.get(List.of(header.getKey(), value));
                if (byHeader != null) {
                    return byHeader;
                }
            }
        }
        Script script = scripts.get(request.pathWithoutQuery());
        return script != null ? script : otherPaths;
    }

    private void record(ReceivedRequest request, Response answer) {
        lock.lock();
        try {
            received.add(request);
            exchanges.add(new Exchange(request, answer));
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing useful to do
        }
    }
}
