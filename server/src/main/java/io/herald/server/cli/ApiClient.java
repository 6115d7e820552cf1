package io.herald.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.herald.server.api.Json;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The few API calls the command line makes, with errors turned into one-line messages and exit codes. */
final class ApiClient {
  /** A failure worth one line on stderr; {@code exitCode} follows sysexits where one fits. */
  static final class CliError extends Exception {
    final int exitCode;

    CliError(String message, int exitCode) {
      super(message);
      this.exitCode = exitCode;
    }
  }

  private final ServerOptions options;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  ApiClient(ServerOptions options) {
    this.options = options;
  }

  JsonNode get(String path) throws CliError {
    return send("GET", path, null);
  }

  JsonNode post(String path, String json) throws CliError {
    return send("POST", path, json);
  }

  private JsonNode send(String method, String path, String json) throws CliError {
    if (options.token == null || options.token.isBlank()) {
      throw new CliError("no API key: pass --token or set HERALD_TOKEN (printed by the server's first start)", 64);
    }
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(options.server.replaceAll("/+$", "") + path))
        .timeout(Duration.ofSeconds(30))
        .header("Authorization", "Bearer " + options.token)
        .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
    if (json != null) {
      b.header("Content-Type", "application/json");
    }
    HttpResponse<String> r;
    try {
      r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (ConnectException e) {
      throw new CliError("cannot reach Herald at " + options.server + ": is it running? (set --server or HERALD_URL)", 69);
    } catch (IOException e) {
      throw new CliError("request to " + options.server + " failed: " + e.getMessage(), 69);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliError("interrupted", 130);
    }
    JsonNode body = r.body().isEmpty() ? Json.MAPPER.createObjectNode() : parse(r.body());
    if (r.statusCode() >= 400) {
      throw new CliError("Herald answered " + r.statusCode() + ": " + describe(body), 1);
    }
    return body;
  }

  private static JsonNode parse(String text) {
    try {
      return Json.MAPPER.readTree(text);
    } catch (IOException e) {
      return Json.MAPPER.createObjectNode().put("detail", text);
    }
  }

  /** The error's detail: a string, or the messages of a validation error's items. */
  private static String describe(JsonNode body) {
    JsonNode detail = body.path("detail");
    if (detail.isArray()) {
      StringBuilder sb = new StringBuilder();
      for (JsonNode item : detail) {
        if (sb.length() > 0) {
          sb.append("; ");
        }
        JsonNode loc = item.path("loc");
        sb.append(loc.isArray() && loc.size() > 1 ? loc.get(loc.size() - 1).asText() + ": " : "")
            .append(item.path("msg").asText());
      }
      return sb.toString();
    }
    return detail.isMissingNode() ? body.toString() : detail.asText();
  }
}
