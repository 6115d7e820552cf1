package io.herald.bench.naive;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.sun.net.httpserver.HttpServer;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.herald.signature.WebhookSecret;
import io.herald.signature.WebhookSigner;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;

/**
 * S8's naive baseline, the design one would write first: an HTTP endpoint that schedules one db-scheduler task per
 * delivery (one INSERT, one commit), and the task posts it with the JDK HttpClient, blocking a scheduler thread for
 * the round trip. db-scheduler is tuned as its documentation suggests for throughput on PostgreSQL (lock-and-fetch
 * polling, immediate execution, 32 threads); the design is what is naive, not the configuration.
 *
 * <p>{@code naive <jdbc-url> <sink-url> <secret> <max-lifetime-seconds>}; prints {@code naive listening on <port>}.
 */
public final class NaiveMain {
  private static final byte[] PAYLOAD_KEY = "\"payload\":".getBytes(StandardCharsets.US_ASCII);

  private NaiveMain() {}

  public static void main(String[] args) throws Exception {
    String url = args[0];
    URI sink = URI.create(args[1]);
    List<WebhookSecret> secrets = List.of(WebhookSecret.parse(args[2]));
    long lifetimeMs = Long.parseLong(args[3]) * 1000;

    HikariConfig hc = new HikariConfig();
    hc.setJdbcUrl(url);
    hc.setMaximumPoolSize(40);
    HikariDataSource ds = new HikariDataSource(hc);
    createTable(ds);

    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10)).build();
    OneTimeTask<byte[]> deliver = Tasks.oneTime("deliver", byte[].class).execute((instance, context) -> {
      byte[] payload = instance.getData();
      String id = "msg_" + instance.getId().replace("-", "");
      long ts = System.currentTimeMillis() / 1000;
      HttpRequest request = HttpRequest.newBuilder(sink)
          .timeout(Duration.ofSeconds(15))
          .header("Content-Type", "application/json")
          .header("User-Agent", "naive-baseline")
          .header("webhook-id", id)
          .header("webhook-timestamp", Long.toString(ts))
          .header("webhook-signature", WebhookSigner.signatureHeader(secrets, id, ts, payload))
          .POST(HttpRequest.BodyPublishers.ofByteArray(payload))
          .build();
      try {
        HttpResponse<Void> response = client.send(request, HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() / 100 != 2) {
          throw new IllegalStateException("receiver answered " + response.statusCode());
        }
      } catch (IOException e) {
        throw new IllegalStateException("delivery failed: " + e.getMessage(), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    });
    Scheduler scheduler = Scheduler.create(ds, deliver)
        .threads(32)
        .pollingInterval(Duration.ofSeconds(1))
        .pollUsingLockAndFetch(0.5, 4.0)
        .enableImmediateExecution()
        .build();
    scheduler.start();

    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 1024);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/api/v1/app/", exchange -> {
      try (InputStream in = exchange.getRequestBody(); OutputStream out = exchange.getResponseBody()) {
        byte[] body = in.readAllBytes();
        byte[] payload = payloadOf(body);
        int status;
        if (payload == null) {
          status = 400;
        } else {
          scheduler.schedule(deliver.instance(UUID.randomUUID().toString(), payload), Instant.now());
          status = 202;
        }
        byte[] answer = "{}".getBytes(StandardCharsets.US_ASCII);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, answer.length);
        out.write(answer);
      }
    });
    server.start();
    Thread.ofPlatform().daemon().name("naive-stdin").start(() -> {
      try {
        while (System.in.read() >= 0) {
          // the harness never writes; EOF means it is gone
        }
      } catch (IOException ignored) {
        // same as EOF
      }
      System.exit(0);
    });
    Thread.ofPlatform().daemon().name("naive-lifetime").start(() -> {
      try {
        Thread.sleep(lifetimeMs);
      } catch (InterruptedException ignored) {
        // exiting anyway
      }
      System.exit(0);
    });
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.stop(0);
      scheduler.stop();
      ds.close();
    }));
    System.out.println("naive listening on " + server.getAddress().getPort());
    System.out.flush();
    Thread.currentThread().join();
  }

  /** The raw bytes of the {@code payload} object in a Herald-style message body (the harness's own format). */
  static byte[] payloadOf(byte[] body) {
    for (int i = 0; i <= body.length - PAYLOAD_KEY.length; i++) {
      if (Arrays.equals(body, i, i + PAYLOAD_KEY.length, PAYLOAD_KEY, 0, PAYLOAD_KEY.length)) {
        int start = i + PAYLOAD_KEY.length;
        int end = body.length - 1;
        while (end > start && body[end] != '}') {
          end--;
        }
        return end > start ? Arrays.copyOfRange(body, start, end) : null;
      }
    }
    return null;
  }

  private static void createTable(HikariDataSource ds) throws SQLException {
    try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
      s.execute("""
          CREATE TABLE IF NOT EXISTS scheduled_tasks (
            task_name text NOT NULL,
            task_instance text NOT NULL,
            task_data bytea,
            execution_time timestamp with time zone NOT NULL,
            picked boolean NOT NULL,
            picked_by text,
            last_success timestamp with time zone,
            last_failure timestamp with time zone,
            consecutive_failures int,
            last_heartbeat timestamp with time zone,
            version bigint NOT NULL,
            priority smallint,
            PRIMARY KEY (task_name, task_instance))""");
      s.execute("CREATE INDEX IF NOT EXISTS execution_time_idx ON scheduled_tasks (execution_time)");
      s.execute("CREATE INDEX IF NOT EXISTS last_heartbeat_idx ON scheduled_tasks (last_heartbeat)");
      s.execute("CREATE INDEX IF NOT EXISTS priority_execution_time_idx "
          + "ON scheduled_tasks (priority DESC, execution_time)");
    }
  }
}
