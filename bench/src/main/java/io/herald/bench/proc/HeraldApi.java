package io.herald.bench.proc;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.herald.bench.load.HttpConnection;
import java.io.IOException;
import java.time.Instant;
import java.util.Map;

/** The few management calls the harness makes to set a scenario up. */
public final class HeraldApi implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpConnection conn;

  public HeraldApi(int port) throws IOException {
    conn = new HttpConnection(port, 60_000);
  }

  public void createApp(String uid) throws IOException {
    call("POST", "/api/v1/app", Map.of("name", uid, "uid", uid));
  }

  public void createEndpoint(String app, String uid, String url, String secret) throws IOException {
    call("POST", "/api/v1/app/" + app + "/endpoint", Map.of("uid", uid, "url", url, "secret", secret));
  }

  public void deleteEndpoint(String app, String endpoint) throws IOException {
    HttpConnection.Response r = conn.send("DELETE", "/api/v1/app/" + app + "/endpoint/" + endpoint,
        HeraldProcess.AUTH_HEADERS, null);
    if (r.status() / 100 != 2) {
      throw new IOException("DELETE endpoint answered " + r.status() + ": " + r.text());
    }
  }

  /** Svix's recover: every failed delivery of the endpoint since {@code since} is sent again. */
  public String recover(String app, String endpoint, Instant since) throws IOException {
    return call("POST", "/api/v1/app/" + app + "/endpoint/" + endpoint + "/recover", Map.of("since", since.toString()));
  }

  /** Whether application {@code app} has any message left (Svix's message list, one item). */
  public boolean hasMessages(String app) throws IOException {
    HttpConnection.Response r = conn.send("GET", "/api/v1/app/" + app + "/msg?limit=1", HeraldProcess.AUTH_HEADERS,
        null);
    if (r.status() / 100 != 2) {
      throw new IOException("GET messages answered " + r.status() + ": " + r.text());
    }
    return !JSON.readTree(r.text()).path("data").isEmpty();
  }

  private String call(String method, String path, Object body) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    HttpConnection.Response r = conn.send(method, path, HeraldProcess.AUTH_HEADERS, bytes);
    if (r.status() / 100 != 2) {
      throw new IOException(method + " " + path + " answered " + r.status() + ": " + r.text());
    }
    return r.text();
  }

  @Override
  public void close() {
    conn.close();
  }
}
