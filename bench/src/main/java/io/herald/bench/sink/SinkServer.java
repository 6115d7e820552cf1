package io.herald.bench.sink;

import io.herald.signature.WebhookVerificationException;
import io.herald.signature.WebhookVerifier;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * A minimal HTTP/1.1 receiver on one NIO selector thread: keep-alive, Content-Length bodies, no chunking, no TLS.
 * It is the receiving end of every measurement, Herald's deliveries and the raw baseline alike, so it stays as cheap
 * as a receiver can be while still doing what a real one must: verify every signature.
 *
 * <p>Paths: {@code POST /raw} (the R_raw baseline: verified and counted), {@code POST /hook/<n>} (endpoint n:
 * verified, counted per message, answered with that endpoint's configured status after its configured delay) and
 * {@code GET /_ctl/...} (the harness's control and read-outs, on the same port).
 */
final class SinkServer {
  private static final byte[] CRLFCRLF = {'\r', '\n', '\r', '\n'};
  private static final byte[] SEQ = "\"seq\":".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] T = "\"t\":".getBytes(StandardCharsets.US_ASCII);
  private static final int MAX_REQUEST = 4 * 1024 * 1024;

  private record Delayed(long dueNanos, Conn conn, byte[] response) {}

  private static final class Conn {
    final SocketChannel ch;
    SelectionKey key;
    ByteBuffer in = ByteBuffer.allocate(16 * 1024);
    ByteBuffer out;
    boolean waiting;

    Conn(SocketChannel ch) {
      this.ch = ch;
    }
  }

  private final Selector selector;
  private final ServerSocketChannel server;
  private final WebhookVerifier verifier;
  private final long deadlineNanos;
  private final SinkState state = new SinkState();
  private final Behaviour behaviour = new Behaviour();
  private final PriorityQueue<Delayed> delayed = new PriorityQueue<>(Comparator.comparingLong(Delayed::dueNanos));
  private final Map<Integer, byte[]> statusResponses = new HashMap<>();
  private volatile boolean running = true;

  SinkServer(WebhookVerifier verifier, long maxLifetimeNanos) throws IOException {
    this.verifier = verifier;
    this.deadlineNanos = System.nanoTime() + maxLifetimeNanos;
    selector = Selector.open();
    server = ServerSocketChannel.open();
    server.bind(new InetSocketAddress("127.0.0.1", 0), 1024);
    server.configureBlocking(false);
    server.register(selector, SelectionKey.OP_ACCEPT);
  }

  int port() throws IOException {
    return ((InetSocketAddress) server.getLocalAddress()).getPort();
  }

  void stop() {
    running = false;
    selector.wakeup();
  }

  void run() throws IOException {
    while (running && System.nanoTime() < deadlineNanos) {
      long timeoutMs = 100;
      if (!delayed.isEmpty()) {
        timeoutMs = Math.max(1, Math.min(100, (delayed.peek().dueNanos() - System.nanoTime()) / 1_000_000 + 1));
      }
      selector.select(timeoutMs);
      Iterator<SelectionKey> it = selector.selectedKeys().iterator();
      while (it.hasNext()) {
        SelectionKey key = it.next();
        it.remove();
        try {
          if (!key.isValid()) {
            continue;
          }
          if (key.isAcceptable()) {
            accept();
            continue;
          }
          Conn conn = (Conn) key.attachment();
          if (key.isReadable()) {
            read(conn);
          }
          if (key.isValid() && key.isWritable()) {
            flush(conn);
          }
        } catch (IOException e) {
          if (key.attachment() instanceof Conn c) {
            close(c);
          }
        }
      }
      fireDue();
    }
    for (SelectionKey key : selector.keys()) {
      key.channel().close();
    }
    selector.close();
  }

  private void accept() throws IOException {
    SocketChannel ch;
    while ((ch = server.accept()) != null) {
      ch.configureBlocking(false);
      ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
      Conn conn = new Conn(ch);
      conn.key = ch.register(selector, SelectionKey.OP_READ, conn);
    }
  }

  private void read(Conn conn) throws IOException {
    if (!conn.in.hasRemaining()) {
      if (conn.in.capacity() >= MAX_REQUEST) {
        close(conn);
        return;
      }
      conn.in = ByteBuffer.allocate(conn.in.capacity() * 2).put(conn.in.flip());
    }
    int n = conn.ch.read(conn.in);
    if (n < 0) {
      close(conn);
      return;
    }
    process(conn);
  }

  /** Handles every complete request in the buffer, in order, unless an answer is still pending. */
  private void process(Conn conn) throws IOException {
    while (!conn.waiting && conn.out == null && conn.ch.isOpen()) {
      byte[] a = conn.in.array();
      int len = conn.in.position();
      int headerEnd = indexOf(a, 0, len, CRLFCRLF);
      if (headerEnd < 0) {
        return;
      }
      int lineEnd = indexOf(a, 0, headerEnd, new byte[] {'\r', '\n'});
      String requestLine = new String(a, 0, lineEnd < 0 ? headerEnd : lineEnd, StandardCharsets.US_ASCII);
      int contentLength = 0;
      String id = null;
      String timestamp = null;
      String signature = null;
      int pos = lineEnd < 0 ? headerEnd : lineEnd + 2;
      while (pos < headerEnd) {
        int end = indexOf(a, pos, headerEnd, new byte[] {'\r', '\n'});
        if (end < 0) {
          end = headerEnd;
        }
        int colon = indexOf(a, pos, end, new byte[] {':'});
        if (colon > 0) {
          int vs = colon + 1;
          while (vs < end && a[vs] == ' ') {
            vs++;
          }
          if (nameIs(a, pos, colon, "content-length")) {
            contentLength = Integer.parseInt(new String(a, vs, end - vs, StandardCharsets.US_ASCII).trim());
          } else if (nameIs(a, pos, colon, "webhook-id")) {
            id = new String(a, vs, end - vs, StandardCharsets.US_ASCII);
          } else if (nameIs(a, pos, colon, "webhook-timestamp")) {
            timestamp = new String(a, vs, end - vs, StandardCharsets.US_ASCII);
          } else if (nameIs(a, pos, colon, "webhook-signature")) {
            signature = new String(a, vs, end - vs, StandardCharsets.US_ASCII);
          }
        }
        pos = end + 2;
      }
      int bodyStart = headerEnd + 4;
      int total = bodyStart + contentLength;
      if (total > MAX_REQUEST) {
        close(conn);
        return;
      }
      if (len < total) {
        if (conn.in.capacity() < total) {
          conn.in = ByteBuffer.allocate(Integer.highestOneBit(total) * 2).put(conn.in.flip());
        }
        return;
      }
      handle(conn, requestLine, id, timestamp, signature, Arrays.copyOfRange(a, bodyStart, total));
      System.arraycopy(a, total, a, 0, len - total);
      conn.in.position(len - total);
    }
  }

  private void handle(Conn conn, String requestLine, String id, String timestamp, String signature, byte[] body)
      throws IOException {
    long now = System.nanoTime();
    int sp1 = requestLine.indexOf(' ');
    int sp2 = requestLine.indexOf(' ', sp1 + 1);
    String target = requestLine.substring(sp1 + 1, sp2 < 0 ? requestLine.length() : sp2);
    if (target.startsWith("/_ctl/")) {
      control(conn, target);
      return;
    }
    boolean raw = target.equals("/raw");
    int endpoint = raw ? 0 : parseEndpoint(target);
    if (endpoint < 0) {
      write(conn, response(404));
      return;
    }
    try {
      verifier.verify(id, timestamp, signature, body);
    } catch (WebhookVerificationException e) {
      state.badSignature++;
      write(conn, response(400));
      return;
    }
    if (raw) {
      state.raw++;
      write(conn, response(200));
      return;
    }
    int status = behaviour.status(endpoint);
    if (status >= 200 && status < 300) {
      long seq = findLong(body, SEQ);
      long sent = findLong(body, T);
      if (seq < 0 || sent < 0) {
        state.malformed++;
      } else {
        state.delivered(seq, endpoint, sent, now);
      }
    } else {
      state.rejected++;
    }
    long delay = behaviour.delayMs(endpoint);
    if (delay > 0) {
      conn.waiting = true;
      delayed.add(new Delayed(now + delay * 1_000_000, conn, response(status)));
    } else {
      write(conn, response(status));
    }
  }

  private void control(Conn conn, String target) throws IOException {
    int q = target.indexOf('?');
    String command = target.substring("/_ctl/".length(), q < 0 ? target.length() : q);
    Map<String, String> params = new HashMap<>();
    if (q >= 0) {
      for (String kv : target.substring(q + 1).split("&")) {
        int eq = kv.indexOf('=');
        if (eq > 0) {
          params.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
      }
    }
    byte[] body;
    switch (command) {
      case "count" -> body = state.countLine().getBytes(StandardCharsets.US_ASCII);
      case "reset" -> {
        state.reset(Integer.parseInt(params.getOrDefault("width", "1")), "1".equals(params.get("times")));
        behaviour.reset();
        body = "ok".getBytes(StandardCharsets.US_ASCII);
      }
      case "latreset" -> {
        state.resetLatency(params.containsKey("from") ? Long.parseLong(params.get("from")) : Long.MIN_VALUE);
        body = "ok".getBytes(StandardCharsets.US_ASCII);
      }
      case "latency" -> {
        Set<Integer> exclude = new HashSet<>();
        for (String s : params.getOrDefault("exclude", "").split(",")) {
          if (!s.isBlank()) {
            exclude.add(Integer.parseInt(s));
          }
        }
        body = state.latencyJson(exclude, Integer.parseInt(params.getOrDefault("only", "-1")))
            .getBytes(StandardCharsets.US_ASCII);
      }
      case "behave" -> {
        behaviour.set(Integer.parseInt(params.getOrDefault("ep", "-1")),
            Integer.parseInt(params.getOrDefault("status", "200")), Long.parseLong(params.getOrDefault("delay", "0")));
        body = "ok".getBytes(StandardCharsets.US_ASCII);
      }
      case "counts" -> body = state.countsBytes();
      case "times" -> body = state.timesBytes();
      case "stop" -> {
        body = "ok".getBytes(StandardCharsets.US_ASCII);
        stop();
      }
      default -> {
        write(conn, response(404));
        return;
      }
    }
    byte[] head = ("HTTP/1.1 200 OK\r\nContent-Length: " + body.length + "\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII);
    byte[] all = Arrays.copyOf(head, head.length + body.length);
    System.arraycopy(body, 0, all, head.length, body.length);
    write(conn, all);
  }

  private void fireDue() throws IOException {
    long now = System.nanoTime();
    while (!delayed.isEmpty() && delayed.peek().dueNanos() <= now) {
      Delayed d = delayed.poll();
      if (!d.conn().ch.isOpen()) {
        continue;
      }
      d.conn().waiting = false;
      try {
        write(d.conn(), d.response());
        process(d.conn());
      } catch (IOException e) {
        close(d.conn());
      }
    }
  }

  private void write(Conn conn, byte[] bytes) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(bytes);
    conn.ch.write(b);
    if (b.hasRemaining()) {
      conn.out = b;
      conn.key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
    }
  }

  private void flush(Conn conn) throws IOException {
    if (conn.out == null) {
      return;
    }
    conn.ch.write(conn.out);
    if (!conn.out.hasRemaining()) {
      conn.out = null;
      conn.key.interestOps(SelectionKey.OP_READ);
      process(conn);
    }
  }

  private void close(Conn conn) {
    conn.key.cancel();
    try {
      conn.ch.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  private byte[] response(int status) {
    return statusResponses.computeIfAbsent(status, s -> ("HTTP/1.1 " + s + " " + (s < 300 ? "OK" : "Bench") + "\r\n"
        + "Content-Length: 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
  }

  private static int parseEndpoint(String target) {
    if (!target.startsWith("/hook/")) {
      return -1;
    }
    try {
      int n = Integer.parseInt(target.substring("/hook/".length()));
      return n >= 0 && n < SinkState.MAX_ENDPOINTS ? n : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** The non-negative integer after {@code key} in {@code body}, or -1. */
  static long findLong(byte[] body, byte[] key) {
    int at = indexOf(body, 0, body.length, key);
    if (at < 0) {
      return -1;
    }
    int i = at + key.length;
    while (i < body.length && body[i] == ' ') {
      i++;
    }
    long v = 0;
    int digits = 0;
    while (i < body.length && body[i] >= '0' && body[i] <= '9' && digits < 19) {
      v = v * 10 + (body[i] - '0');
      i++;
      digits++;
    }
    return digits == 0 ? -1 : v;
  }

  private static boolean nameIs(byte[] a, int from, int to, String name) {
    if (to - from != name.length()) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      int c = a[from + i];
      if (c >= 'A' && c <= 'Z') {
        c += 32;
      }
      if (c != name.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  static int indexOf(byte[] a, int from, int to, byte[] needle) {
    outer:
    for (int i = from; i <= to - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (a[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
