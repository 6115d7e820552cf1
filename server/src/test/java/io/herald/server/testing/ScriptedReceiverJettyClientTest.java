package io.herald.server.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.InputStreamRequestContent;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.StringRequestContent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The receiver against the client Herald actually delivers with: Jetty 12 HttpClient. */
class ScriptedReceiverJettyClientTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private ScriptedReceiver receiver;
    private HttpClient client;

    @BeforeEach
    void start() throws Exception {
        receiver = ScriptedReceiver.start();
        client = new HttpClient();
        client.setFollowRedirects(false);
        client.start();
    }

    @AfterEach
    void stop() throws Exception {
        receiver.close();
        client.stop();
    }

    @Test
    void jetty_reuses_one_keep_alive_connection_for_sequential_deliveries() throws Exception {
        receiver.on("/hooks").respond(500).times(2).thenRespond(200);

        for (int expected : new int[] {500, 500, 200, 200}) {
            assertThat(post("/hooks").body(new StringRequestContent("application/json", "{}")).send().getStatus())
                    .isEqualTo(expected);
        }

        assertThat(receiver.requestsTo("/hooks")).hasSize(4);
        assertThat(receiver.connectionsAccepted()).isEqualTo(1);
    }

    @Test
    void jetty_streams_a_body_of_unknown_length_as_chunks() throws Exception {
        byte[] json = "{\"data\":\"".concat("x".repeat(100_000)).concat("\"}").getBytes(StandardCharsets.UTF_8);

        ContentResponse response = post("/stream")
                .body(new InputStreamRequestContent("application/json", new ByteArrayInputStream(json)))
                .send();

        assertThat(response.getStatus()).isEqualTo(200);
        ReceivedRequest request = receiver.awaitCount(1, WAIT).get(0);
        assertThat(request.header("Transfer-Encoding")).isEqualTo("chunked");
        assertThat(request.body()).isEqualTo(json);
    }

    @Test
    void jetty_fails_on_a_reset_then_succeeds_on_a_new_connection() throws Exception {
        receiver.on("/flaky").reset().thenRespond(204);

        assertThatThrownBy(() -> post("/flaky").body(new StringRequestContent("{}")).send())
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(IOException.class);
        assertThat(post("/flaky").body(new StringRequestContent("{}")).send().getStatus()).isEqualTo(204);
        assertThat(receiver.connectionsAccepted()).isEqualTo(2);
    }

    @Test
    void jetty_times_out_against_a_hanging_receiver() {
        receiver.on("/hang").hang();

        assertThatThrownBy(() -> post("/hang").timeout(300, TimeUnit.MILLISECONDS).send())
                .isInstanceOf(TimeoutException.class);
        assertThat(receiver.awaitCount(1, WAIT)).hasSize(1);
    }

    @Test
    void jetty_reads_a_dribbled_body_and_a_redirect() throws Exception {
        receiver.on("/drip").dribbleBody(200, 4, Duration.ofMillis(20));
        receiver.on("/moved").redirectTo("/elsewhere");

        assertThat(post("/drip").send().getContentAsString()).isEqualTo("....");
        ContentResponse moved = post("/moved").send();
        assertThat(moved.getStatus()).isEqualTo(302);
        assertThat(moved.getHeaders().get("Location")).isEqualTo("/elsewhere");
        assertThat(receiver.requests()).extracting(ReceivedRequest::path).containsExactly("/drip", "/moved");
    }

    private Request post(String path) {
        return client.POST(receiver.url(path)).timeout(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }
}
