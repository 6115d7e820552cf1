package io.herald.server.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ScriptedReceiverTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private ScriptedReceiver receiver;
    private HttpClient client;

    @BeforeEach
    void start() {
        receiver = ScriptedReceiver.start();
        client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(WAIT)
                .build();
    }

    @AfterEach
    void stop() {
        receiver.close();
        client.shutdownNow();
    }

    @Test
    void records_method_path_headers_and_body_and_answers_200_ok_by_default() throws Exception {
        HttpResponse<String> response = client.send(post("/hooks?attempt=1", "{\"type\":\"invoice.paid\"}")
                .header("Webhook-Id", "msg_1").header("X-Multi", "a").header("X-Multi", "b").build(), BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("ok");
        assertThat(response.headers().firstValue("connection")).hasValue("keep-alive");
        ReceivedRequest request = receiver.awaitCount(1, WAIT).get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/hooks?attempt=1");
        assertThat(request.header("webhook-id")).isEqualTo("msg_1");
        assertThat(request.header("WEBHOOK-ID")).isEqualTo("msg_1");
        assertThat(request.header("Content-Type")).isEqualTo("application/json");
        assertThat(request.header("X-Absent")).isNull();
        assertThat(request.headers()).containsEntry("x-multi", List.of("a", "b"));
        assertThat(request.bodyText()).isEqualTo("{\"type\":\"invoice.paid\"}");
        assertThat(request.body()).hasSize(23);
        assertThat(request.receivedAt()).isNotNull();
        assertThat(receiver.requestsTo("/hooks")).containsExactly(request);
        assertThat(receiver.requestsTo("/other")).isEmpty();
    }

    @Test
    void exchanges_pair_each_request_with_the_step_it_was_answered_with() throws Exception {
        receiver.on("/hooks").respond(503).thenRespond(200);
        receiver.onAnyOtherPath().delay(Duration.ofMillis(1)).respond(204);
        int first = client.send(post("/hooks", "1").build(), BodyHandlers.discarding()).statusCode();
        // Re-scripting under traffic: exchanges still tell which request got which answer.
        receiver.on("/hooks").respond(202);
        int second = client.send(post("/hooks", "2").build(), BodyHandlers.discarding()).statusCode();
        int other = client.send(post("/other", "3").build(), BodyHandlers.discarding()).statusCode();

        assertThat(List.of(first, second, other)).containsExactly(503, 202, 204);
        List<ScriptedReceiver.Exchange> exchanges = receiver.exchanges();
        assertThat(exchanges).extracting(e -> e.request().bodyText()).containsExactly("1", "2", "3");
        assertThat(exchanges).extracting(ScriptedReceiver.Exchange::status).containsExactly(503, 202, 204);
        assertThat(exchanges).extracting(ScriptedReceiver.Exchange::request).containsExactlyElementsOf(receiver.requests());
        receiver.reset();
        assertThat(receiver.exchanges()).isEmpty();
    }

    @Test
    void a_header_script_answers_requests_carrying_that_header_on_any_path() throws Exception {
        receiver.on("/hooks").respond(202);
        receiver.onHeader("Webhook-Subject", "order-a").respond(500).times(2).thenRespond(200);

        List<Integer> statuses = new ArrayList<>();
        for (String subject : List.of("order-a", "order-b", "order-a", "order-a")) {
            statuses.add(client.send(post("/hooks", "{}").header("webhook-subject", subject).build(),
                    BodyHandlers.ofString()).statusCode());
        }

        assertThat(statuses).containsExactly(500, 202, 500, 200);
    }

    @Test
    void serves_two_requests_on_one_keep_alive_connection() throws Exception {
        receiver.on("/second").respond(201, "created");
        try (RawConnection connection = RawConnection.open(receiver.port())) {
            connection.send("POST /first HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello");
            RawConnection.Reply first = connection.read();
            connection.send("POST /second HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nworld");
            RawConnection.Reply second = connection.read();

            assertThat(first.status()).isEqualTo(200);
            assertThat(first.body()).isEqualTo("ok");
            assertThat(first.header("connection")).isEqualTo("keep-alive");
            assertThat(second.status()).isEqualTo(201);
            assertThat(second.body()).isEqualTo("created");
        }
        assertThat(receiver.requests()).extracting(ReceivedRequest::bodyText).containsExactly("hello", "world");
    }

    @Test
    void decodes_a_chunked_request_body_with_extensions_and_trailers() throws Exception {
        try (RawConnection connection = RawConnection.open(receiver.port())) {
            connection.send("POST /chunked HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5;name=value\r\n{\"a\":\r\n4\r\n 1}\n\r\n0\r\nX-Trailer: t\r\n\r\n"
                    + "POST /after HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
            assertThat(connection.read().status()).isEqualTo(200);
            assertThat(connection.read().status()).isEqualTo(200);
        }
        List<ReceivedRequest> requests = receiver.awaitCount(2, WAIT);
        assertThat(requests.get(0).bodyText()).isEqualTo("{\"a\": 1}\n");
        assertThat(requests.get(1).path()).isEqualTo("/after");
        assertThat(requests.get(1).body()).isEmpty();
    }

    @Test
    void closes_the_connection_when_the_client_asks_to() throws Exception {
        try (RawConnection connection = RawConnection.open(receiver.port())) {
            connection.send("GET /bye HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertThat(connection.read().header("connection")).isEqualTo("close");
            assertThat(connection.atEndOfStream()).isTrue();
        }
    }

    @Test
    void answers_a_malformed_request_with_400_and_closes() throws Exception {
        try (RawConnection connection = RawConnection.open(receiver.port())) {
            connection.send("POST /x HTTP/1.1\r\nContent-Length: nope\r\n\r\n");
            assertThat(connection.read().status()).isEqualTo(400);
            assertThat(connection.atEndOfStream()).isTrue();
        }
        assertThat(receiver.requests()).isEmpty();
    }

    @Test
    void plays_the_script_in_order_then_repeats_the_last_response() throws Exception {
        receiver.on("/hooks").respond(500).thenRespond(500).thenRespond(200, "fine");

        assertThat(statusesOf(5, "/hooks")).containsExactly(500, 500, 200, 200, 200);
        assertThat(send("/unscripted").body()).isEqualTo("ok");
    }

    @Test
    void times_repeats_the_preceding_step() throws Exception {
        receiver.on("/hooks").respond(503).times(3).thenRespond(204);

        assertThat(statusesOf(5, "/hooks")).containsExactly(503, 503, 503, 204, 204);
    }

    @Test
    void matches_scripts_on_the_path_without_query_and_scripts_other_paths() throws Exception {
        receiver.on("/a").respond(202);
        receiver.onAnyOtherPath().respond(410);

        assertThat(send("/a?x=1").statusCode()).isEqualTo(202);
        assertThat(send("/b").statusCode()).isEqualTo(410);
        assertThat(receiver.requestsTo("/a")).extracting(ReceivedRequest::path).containsExactly("/a?x=1");
    }

    @Test
    void answers_429_with_a_retry_after_header() throws Exception {
        receiver.on("/limited").respondWithHeader(429, "Retry-After", "7").thenRespond(200);

        HttpResponse<String> limited = send("/limited");
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("retry-after")).hasValue("7");
        assertThat(limited.headers().firstValue("content-length")).hasValue("0");
        assertThat(send("/limited").statusCode()).isEqualTo(200);
    }

    @Test
    void delays_the_answer() throws Exception {
        receiver.on("/slow").delay(Duration.ofMillis(300)).respond(200, "late");

        long start = System.nanoTime();
        HttpResponse<String> response = send("/slow");

        assertThat(response.body()).isEqualTo("late");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }

    @Test
    void hangs_until_the_client_times_out() {
        receiver.on("/hang").hang();

        assertThatThrownBy(() -> client.send(post("/hang", "{}").timeout(Duration.ofMillis(300)).build(),
                BodyHandlers.ofString())).isInstanceOf(HttpTimeoutException.class);
        assertThat(receiver.awaitCount(1, WAIT).get(0).bodyText()).isEqualTo("{}");
    }

    @Test
    void closing_the_receiver_ends_hanging_connections() throws Exception {
        receiver.on("/hang").hang();
        CompletableFuture<HttpResponse<String>> pending = client.sendAsync(post("/hang", "{}").build(), BodyHandlers.ofString());
        receiver.awaitCount(1, WAIT);

        receiver.close();

        assertThatThrownBy(() -> pending.get(WAIT.toSeconds(), TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(IOException.class);
    }

    @Test
    void resets_the_connection_so_the_client_sees_an_io_exception() throws Exception {
        receiver.on("/flaky").reset().thenRespond(200);

        assertThatThrownBy(() -> send("/flaky")).isInstanceOf(IOException.class);
        assertThat(send("/flaky").statusCode()).isEqualTo(200);
        assertThat(receiver.requestsTo("/flaky")).hasSize(2);
    }

    @Test
    void returns_a_redirect_that_a_never_following_client_does_not_follow() throws Exception {
        receiver.on("/moved").redirectTo(receiver.url("/elsewhere"));

        HttpResponse<String> response = send("/moved");

        assertThat(response.statusCode()).isEqualTo(302);
        assertThat(response.headers().firstValue("location")).hasValue(receiver.url("/elsewhere"));
        assertThat(receiver.requests()).extracting(ReceivedRequest::path).containsExactly("/moved");
    }

    @Test
    void dribbles_the_body_slowly_under_a_content_length() throws Exception {
        receiver.on("/drip").dribbleBody(200, 5, Duration.ofMillis(50));

        long start = System.nanoTime();
        HttpResponse<String> response = send("/drip");

        assertThat(response.headers().firstValue("content-length")).hasValue("5");
        assertThat(response.body()).isEqualTo(".....");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(250));
    }

    @Test
    void streams_a_huge_body() throws Exception {
        long size = 50L * 1024 * 1024 + 3;
        receiver.on("/huge").hugeBody(200, size);

        HttpResponse<InputStream> response = client.send(post("/huge", "{}").build(), BodyHandlers.ofInputStream());

        assertThat(response.headers().firstValue("content-length")).hasValue(Long.toString(size));
        try (InputStream body = response.body()) {
            assertThat(body.transferTo(OutputStream.nullOutputStream())).isEqualTo(size);
        }
        assertThat(send("/huge-connection-still-usable").statusCode()).isEqualTo(200);
    }

    @Test
    void answers_expect_100_continue_before_reading_the_body() throws Exception {
        HttpResponse<String> response = client.send(post("/continue", "payload").expectContinue(true).build(),
                BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(receiver.awaitCount(1, WAIT).get(0).bodyText()).isEqualTo("payload");
    }

    @Test
    void await_count_waits_for_many_concurrent_requests() {
        List<CompletableFuture<HttpResponse<String>>> responses = IntStream.range(0, 64)
                .mapToObj(i -> client.sendAsync(post("/many", "n" + i).build(), BodyHandlers.ofString()))
                .toList();

        assertThat(receiver.awaitCount(64, WAIT)).hasSizeGreaterThanOrEqualTo(64);
        assertThat(responses).allSatisfy(f -> assertThat(f.join().statusCode()).isEqualTo(200));
        assertThat(receiver.requestsTo("/many")).extracting(ReceivedRequest::bodyText).hasSize(64).doesNotHaveDuplicates();
    }

    @Test
    void await_count_fails_with_what_was_received_when_too_few_arrive() throws Exception {
        send("/only");

        assertThatThrownBy(() -> receiver.awaitCount(2, Duration.ofMillis(200)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("expected at least 2 request(s)")
                .hasMessageContaining("received 1")
                .hasMessageContaining("POST /only");
    }

    @Test
    void reset_forgets_requests_and_scripts() throws Exception {
        receiver.on("/x").respond(500);
        send("/x");

        receiver.reset();

        assertThat(receiver.requests()).isEmpty();
        assertThat(send("/x").statusCode()).isEqualTo(200);
        assertThat(receiver.requests()).hasSize(1);
    }

    private HttpRequest.Builder post(String path, String json) {
        return HttpRequest.newBuilder(URI.create(receiver.url(path)))
                .timeout(WAIT)
                .header("Content-Type", "application/json")
                .POST(BodyPublishers.ofString(json));
    }

    private HttpResponse<String> send(String path) throws IOException, InterruptedException {
        return client.send(post(path, "{}").build(), BodyHandlers.ofString());
    }

    private List<Integer> statusesOf(int n, String path) throws IOException, InterruptedException {
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            statuses.add(send(path).statusCode());
        }
        return statuses;
    }
}
