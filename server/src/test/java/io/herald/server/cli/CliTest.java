package io.herald.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.herald.server.Main;
import io.herald.server.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The command line against a live server. */
class CliTest {
  static TestServer herald;

  @BeforeAll
  static void start() {
    herald = TestServer.start();
  }

  @AfterAll
  static void stop() {
    herald.close();
  }

  record Run(int exit, String out, String err) {}

  static Run herald(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new Main());
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    String[] withServer = new String[args.length + 4];
    System.arraycopy(args, 0, withServer, 0, args.length);
    withServer[args.length] = "--server";
    withServer[args.length + 1] = herald.baseUrl();
    withServer[args.length + 2] = "--token";
    withServer[args.length + 3] = TestServer.TOKEN;
    int exit = cli.execute(withServer);
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void creates_lists_and_sends_through_listen_which_verifies_signatures() throws Exception {
    assertThat(herald("app", "create", "--name", "Acme", "--uid", "cli-acme").exit()).isZero();
    assertThat(herald("app", "list").out()).contains("cli-acme\tAcme");

    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    ListenCommand listen = new ListenCommand().printingTo(new PrintStream(printed, true, StandardCharsets.UTF_8));
    listen.port = 0;
    listen.host = "127.0.0.1";
    listen.status = 204;
    HttpServer receiver = listen.start();
    try {
      Run created = herald("endpoint", "create", "--app", "cli-acme", "--url",
          "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook", "--type", "order.created");
      assertThat(created.exit()).as(created.err()).isZero();
      String epId = created.out().lines().toList().get(0);
      listen.secret = created.out().lines().toList().get(1);
      assertThat(listen.secret).startsWith("whsec_");
      assertThat(herald("endpoint", "list", "--app", "cli-acme").out()).contains(epId);

      Run sent = herald("send", "--app", "cli-acme", "--type", "order.created", "--payload", "{\"orderId\": \"1234\"}");
      assertThat(sent.exit()).as(sent.err()).isZero();
      assertThat(sent.out().strip()).startsWith("msg_");

      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        String text = printed.toString(StandardCharsets.UTF_8);
        assertThat(text).contains("POST /hook").contains("\"orderId\" : \"1234\"").contains("signature: valid")
            .contains("webhook-id: " + sent.out().strip());
      });
    } finally {
      receiver.stop(0);
    }
  }

  @Test
  void errors_are_one_line_with_a_conventional_exit_code() {
    Run missingApp = herald("send", "--app", "nope", "--type", "x", "--payload", "{}");
    assertThat(missingApp.exit()).isEqualTo(1);
    assertThat(missingApp.err().strip()).isEqualTo("herald: Herald answered 404: application 'nope' not found");

    Run notJson = herald("send", "--app", "nope", "--type", "x", "--payload", "[1]");
    assertThat(notJson.exit()).isEqualTo(65);

    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new Main());
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute("app", "list", "--server", "http://127.0.0.1:1", "--token", "x");
    assertThat(exit).isEqualTo(69);
    assertThat(err.toString()).contains("cannot reach Herald");

    assertThat(new CommandLine(new Main()).setErr(new PrintWriter(new StringWriter())).execute("send")).isEqualTo(2);
  }
}
