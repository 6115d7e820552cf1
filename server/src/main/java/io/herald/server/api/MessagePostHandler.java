package io.herald.server.api;

import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.MimeTypes;
import org.eclipse.jetty.http.PreEncodedHttpField;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code POST /api/v1/app/{app}/msg}, the route producers call for every event, served on Jetty directly instead of
 * through the servlet layer and Javalin's router: in the benchmark's profile of saturated ingest those two were a
 * quarter of Herald's CPU samples (regex routing, before/after filters, servlet wrappers, the body copy), more than
 * Herald's own work on the request. The request gets the same answer either way: authentication, the size limit
 * ({@link Body#read}), {@link ApiServer.MessagePost} (the route's own code, shared with the Javalin route) and
 * {@link ApiServer#answerFor} for errors.
 *
 * <p>Only the plain case is taken here; anything else goes on to Javalin unchanged: another method or path, a path
 * that needs decoding or has a trailing slash, an {@code idempotency-key} (replayed and remembered by Javalin's
 * filters), a missing or wrong API key (answered 401 there).
 */
final class MessagePostHandler extends Handler.Wrapper {
  private static final String PREFIX = "/api/v1/app/";
  private static final String SUFFIX = "/msg";
  private static final HttpField JSON = new PreEncodedHttpField(HttpHeader.CONTENT_TYPE,
      MimeTypes.Type.APPLICATION_JSON.asString());

  private final ApiKeys keys;
  private final long maxRequestBytes;
  private final ApiServer.MessagePost route;

  MessagePostHandler(ApiKeys keys, long maxRequestBytes, ApiServer.MessagePost route) {
    this.keys = keys;
    this.maxRequestBytes = maxRequestBytes;
    this.route = route;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    String appKey = plainCase(request);
    if (appKey == null) {
      return super.handle(request, response, callback);
    }
    ApiServer.Answer answer;
    try {
      byte[] body = Body.read(Content.Source.asInputStream(request), request.getLength(), maxRequestBytes);
      answer = new ApiServer.Answer(202, route.accept(appKey, body, withContent(request.getHttpURI().getQuery())));
    } catch (Exception e) {
      answer = ApiServer.answerFor(e, "POST", request.getHttpURI().getPath(), maxRequestBytes);
    }
    byte[] json = Json.write(answer.body());
    response.setStatus(answer.status());
    response.getHeaders().put(JSON);
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, json.length);
    response.write(true, ByteBuffer.wrap(json), callback);
    return true;
  }

  /** The application key when this request is the plain case, else null (it goes on to Javalin). */
  private String plainCase(Request request) {
    if (!"POST".equals(request.getMethod())) {
      return null;
    }
    String path = request.getHttpURI().getPath();
    if (path == null || !path.startsWith(PREFIX) || !path.endsWith(SUFFIX)
        || path.length() <= PREFIX.length() + SUFFIX.length()) {
      return null;
    }
    String appKey = path.substring(PREFIX.length(), path.length() - SUFFIX.length());
    String query = request.getHttpURI().getQuery();
    if (appKey.indexOf('/') >= 0 || appKey.indexOf('%') >= 0 || appKey.indexOf(';') >= 0
        || (query != null && (query.indexOf('%') >= 0 || query.indexOf('+') >= 0))) {
      return null; // needs decoding: Javalin's
    }
    var headers = request.getHeaders();
    if (headers.contains("idempotency-key")) {
      return null;
    }
    return keys.isAdmin(ApiKeys.bearerToken(headers.get(HttpHeader.AUTHORIZATION))) ? appKey : null;
  }

  /** Svix's {@code with_content}, as the Javalin route reads it: true unless its first value is {@code false}. */
  static boolean withContent(String query) {
    if (query == null) {
      return true;
    }
    for (String pair : query.split("&")) {
      if (pair.startsWith("with_content=")) {
        return !pair.equals("with_content=false");
      }
      if (pair.equals("with_content")) {
        return true;
      }
    }
    return true;
  }
}
