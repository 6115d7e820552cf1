package io.herald.bench.load;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * One keep-alive HTTP/1.1 connection with blocking I/O: write a request, read the answer. Deliberately small, so the
 * load generator spends its CPU on little more than the bytes (its CPU is counted in "all processes").
 */
public final class HttpConnection implements Closeable {
  /** A status code and body. */
  public record Response(int status, byte[] body) {
    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  private final String host;
  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  public HttpConnection(int port, int timeoutMs) throws IOException {
    this.host = "127.0.0.1:" + port;
    socket = new Socket();
    socket.setTcpNoDelay(true);
    socket.connect(new InetSocketAddress("127.0.0.1", port), timeoutMs);
    socket.setSoTimeout(timeoutMs);
    in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
    out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
  }

  /** The request head for {@code method path} with the given extra header lines (each ending in CRLF). */
  public byte[] head(String method, String path, String extraHeaders, int contentLength) {
    return (method + " " + path + " HTTP/1.1\r\nHost: " + host + "\r\n" + extraHeaders
        + (contentLength >= 0 ? "Content-Length: " + contentLength + "\r\n" : "") + "\r\n")
        .getBytes(StandardCharsets.US_ASCII);
  }

  public Response exchange(byte[] head, byte[] body) throws IOException {
    out.write(head);
    if (body != null) {
      out.write(body);
    }
    out.flush();
    return read();
  }

  public Response get(String path) throws IOException {
    return exchange(head("GET", path, "", -1), null);
  }

  public Response send(String method, String path, String headers, byte[] body) throws IOException {
    return exchange(head(method, path, headers, body == null ? 0 : body.length), body);
  }

  private Response read() throws IOException {
    String status = line();
    int sp = status.indexOf(' ');
    int code = Integer.parseInt(status.substring(sp + 1, sp + 4));
    long length = -1;
    boolean chunked = false;
    String h;
    while (!(h = line()).isEmpty()) {
      int colon = h.indexOf(':');
      if (colon <= 0) {
        continue;
      }
      String name = h.substring(0, colon).trim();
      String value = h.substring(colon + 1).trim();
      if (name.equalsIgnoreCase("content-length")) {
        length = Long.parseLong(value);
      } else if (name.equalsIgnoreCase("transfer-encoding") && value.toLowerCase().contains("chunked")) {
        chunked = true;
      }
    }
    if (chunked) {
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      while (true) {
        int size = Integer.parseInt(line().split(";")[0].trim(), 16);
        if (size == 0) {
          while (!line().isEmpty()) {
            // trailers
          }
          return new Response(code, body.toByteArray());
        }
        body.writeBytes(in.readNBytes(size));
        line();
      }
    }
    if (length < 0) {
      length = 0; // every server the harness talks to sends Content-Length or chunks
    }
    byte[] body = in.readNBytes((int) length);
    if (body.length < length) {
      throw new EOFException("connection closed in the response body");
    }
    return new Response(code, body);
  }

  private String line() throws IOException {
    StringBuilder sb = new StringBuilder(64);
    int c;
    while ((c = in.read()) >= 0) {
      if (c == '\n') {
        int n = sb.length();
        return n > 0 && sb.charAt(n - 1) == '\r' ? sb.substring(0, n - 1) : sb.toString();
      }
      sb.append((char) c);
    }
    throw new EOFException("connection closed");
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }
}
