package io.herald.server.testing;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads HTTP/1.1 requests off one connection: request line, headers, and a body framed by
 * {@code Content-Length} or {@code Transfer-Encoding: chunked}. Deliberately small; it accepts what
 * well-behaved clients send and rejects the rest with {@link MalformedRequestException}.
 */
final class Http1Parser {

    private static final int MAX_LINE = 64 * 1024;
    private static final int MAX_HEADERS = 200;
    private static final long MAX_BODY = 64L * 1024 * 1024;

    /** The request line and headers; header names are lower-cased, values keep arrival order. */
    record Head(String method, String target, String version, Map<String, List<String>> headers) {

        String first(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null || values.isEmpty() ? null : values.get(0);
        }

        boolean hasToken(String name, String token) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            if (values == null) {
                return false;
            }
            for (String value : values) {
                for (String part : value.split(",")) {
                    if (part.trim().equalsIgnoreCase(token)) {
                        return true;
                    }
                }
            }
            return false;
        }

        /** HTTP/1.1 keeps the connection unless told to close; HTTP/1.0 closes unless told to keep it. */
        boolean wantsKeepAlive() {
            if (hasToken("connection", "close")) {
                return false;
            }
            return !"HTTP/1.0".equals(version) || hasToken("connection", "keep-alive");
        }
    }

    static final class MalformedRequestException extends IOException {
        MalformedRequestException(String message) {
            super(message);
        }
    }

    private final InputStream in;

    Http1Parser(InputStream in) {
        this.in = in;
    }

    /** Returns the next request head, or {@code null} if the peer closed the connection between requests. */
    Head readHead() throws IOException {
        String requestLine = readLine(true);
        while (requestLine != null && requestLine.isEmpty()) {
            requestLine = readLine(true); // RFC 9112 §2.2: ignore stray empty lines before a request
        }
        if (requestLine == null) {
            return null;
        }
        String[] parts = requestLine.split(" ", -1);
        if (parts.length != 3 || parts[0].isEmpty() || parts[1].isEmpty() || !parts[2].startsWith("HTTP/1.")) {
            throw new MalformedRequestException("bad request line: " + requestLine);
        }
        return new Head(parts[0], parts[1], parts[2], readFields());
    }

    /** Reads the body that {@code head} announces; an empty array when it announces none. */
    byte[] readBody(Head head) throws IOException {
        if (head.headers().containsKey("transfer-encoding")) {
            if (!head.hasToken("transfer-encoding", "chunked")) {
                throw new MalformedRequestException("unsupported transfer-encoding: " + head.first("transfer-encoding"));
            }
            return readChunked();
        }
        String length = head.first("content-length");
        if (length == null) {
            return new byte[0];
        }
        long n;
        try {
            n = Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            throw new MalformedRequestException("bad content-length: " + length);
        }
        if (n < 0 || n > MAX_BODY) {
            throw new MalformedRequestException("content-length out of range: " + n);
        }
        return readExactly((int) n);
    }

    private byte[] readChunked() throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = readLine(false);
            int semicolon = sizeLine.indexOf(';'); // chunk extensions are allowed and ignored
            String hex = (semicolon >= 0 ? sizeLine.substring(0, semicolon) : sizeLine).trim();
            long size;
            try {
                size = Long.parseLong(hex, 16);
            } catch (NumberFormatException e) {
                throw new MalformedRequestException("bad chunk size: " + sizeLine);
            }
            if (size < 0 || body.size() + size > MAX_BODY) {
                throw new MalformedRequestException("chunk size out of range: " + sizeLine);
            }
            if (size == 0) {
                readFields(); // trailer section, discarded
                return body.toByteArray();
            }
            body.write(readExactly((int) size));
            if (!readLine(false).isEmpty()) {
                throw new MalformedRequestException("chunk data not followed by CRLF");
            }
        }
    }

    private Map<String, List<String>> readFields() throws IOException {
        Map<String, List<String>> fields = new LinkedHashMap<>();
        int count = 0;
        for (String line = readLine(false); !line.isEmpty(); line = readLine(false)) {
            int colon = line.indexOf(':');
            if (colon <= 0 || ++count > MAX_HEADERS || Character.isWhitespace(line.charAt(colon - 1))) {
                throw new MalformedRequestException("bad header line: " + line);
            }
            String name = line.substring(0, colon).toLowerCase(Locale.ROOT);
            fields.computeIfAbsent(name, k -> new ArrayList<>()).add(line.substring(colon + 1).trim());
        }
        Map<String, List<String>> frozen = new LinkedHashMap<>();
        fields.forEach((name, values) -> frozen.put(name, List.copyOf(values)));
        return Collections.unmodifiableMap(frozen);
    }

    private byte[] readExactly(int n) throws IOException {
        byte[] bytes = in.readNBytes(n);
        if (bytes.length != n) {
            throw new EOFException("connection closed after " + bytes.length + " of " + n + " body bytes");
        }
        return bytes;
    }

    /**
     * Reads one CRLF- (or bare LF-) terminated line as ISO-8859-1. Returns {@code null} on end of stream
     * before any byte only if {@code eofAllowed}; a stream ending mid-line is always an error.
     */
    private String readLine(boolean eofAllowed) throws IOException {
        StringBuilder line = new StringBuilder();
        while (true) {
            int b = in.read();
            if (b == -1) {
                if (eofAllowed && line.isEmpty()) {
                    return null;
                }
                throw new EOFException("connection closed mid-line");
            }
            if (b == '\n') {
                int end = line.length();
                if (end > 0 && line.charAt(end - 1) == '\r') {
                    line.setLength(end - 1);
                }
                return line.toString();
            }
            if (line.length() >= MAX_LINE) {
                throw new MalformedRequestException("line longer than " + MAX_LINE + " bytes");
            }
            line.append((char) b);
        }
    }
}
