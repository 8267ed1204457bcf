package dev.relay.core.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.relay.core.RelayHooks;
import dev.relay.core.RelayServer;
import dev.relay.core.config.AdminConfig;
import dev.relay.core.config.Endpoint;
import dev.relay.core.config.RouteConfig;
import dev.relay.core.config.ServerConfig;
import dev.relay.core.config.file.ConfigFileException;
import dev.relay.core.config.file.ConfigProblem;
import dev.relay.core.proxy.CloseReason;
import dev.relay.core.proxy.ConnectionSummary;
import dev.relay.core.testing.AdminClient;
import dev.relay.core.testing.Loopback;
import dev.relay.core.testing.PlainServer;
import dev.relay.core.config.TransportKind;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The admin API over a real loopback socket: what it reports, what it changes, how it refuses. */
class AdminApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;
    private PlainServer upstream;
    private RelayServer relay;
    private AdminClient admin;
    private final List<ConnectionSummary> closed = new CopyOnWriteArrayList<>();
    /** What the relay's config source answers; a test swaps in a failing one. */
    private final AtomicReference<Supplier<ServerConfig>> source = new AtomicReference<>();

    @BeforeEach
    void start() throws IOException {
        upstream = Loopback.identityServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 7);
        ServerConfig config = config(null);
        source.set(() -> config);
        relay = RelayServer.start(config, RelayHooks.DEFAULT.withOnClosed(closed::add)
                .withConfigSource(() -> source.get().get()));
        admin = new AdminClient(relay.adminAddress());
    }

    private ServerConfig config(Path tokenFile) {
        return ServerConfig.of(RouteConfig.builder("web").listen(Endpoint.parse("127.0.0.1:0"))
                        .upstream(Loopback.endpoint(upstream.address())).build())
                .with(TransportKind.NIO, 2, Duration.ofSeconds(2))
                .withAdmin(new AdminConfig(Endpoint.parse("127.0.0.1:0"), tokenFile));
    }

    @AfterEach
    void stop() throws IOException {
        if (relay != null) {
            relay.close();
        }
        upstream.close();
    }

    private JsonNode json(HttpResponse<String> response) throws IOException {
        return JSON.readTree(response.body());
    }

    private int greeting() throws IOException {
        try (SocketChannel client = Loopback.connect(relay.localAddress())) {
            return Loopback.greeting(client);
        }
    }

    @Test
    void routesReportConfigCountersAndUpstreams() throws Exception {
        assertEquals(7, greeting());
        await().atMost(WAIT).until(() -> closed.size() == 1);
        HttpResponse<String> response = admin.get("/api/routes");
        assertEquals(200, response.statusCode());
        assertEquals("application/json", response.headers().firstValue("content-type").orElse(""));
        JsonNode web = json(response).get("routes").get(0);
        assertEquals("web", web.get("name").asText());
        assertEquals(1, web.get("counters").get("connections_accepted").asLong());
        assertEquals(1, web.get("counters").get("bytes_downstream").asLong(), "the greeting byte");
        JsonNode upstreamView = web.get("upstreams").get(0);
        assertTrue(upstreamView.get("healthy").asBoolean());
        assertEquals(1, upstreamView.get("connect_attempts").asLong());
    }

    @Test
    void metricsAreThePrometheusTextFormat() throws Exception {
        assertEquals(7, greeting());
        await().atMost(WAIT).until(() -> closed.size() == 1);
        HttpResponse<String> response = admin.get("/metrics");
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("content-type").orElse("").startsWith("text/plain"));
        String body = response.body();
        for (String line : List.of(
                "relay_connections_accepted_total{route=\"web\"} 1.0",
                "relay_bytes_total{direction=\"downstream\",route=\"web\"} 1.0",
                "relay_connection_duration_seconds_count{route=\"web\"} 1",
                "relay_connect_duration_seconds_count{route=\"web\"} 1",
                "relay_connections_rejected_total{reason=\"acl\",route=\"web\"} 0.0",
                "relay_config_reloads_total{result=\"ok\"} 0.0",
                "relay_upstream_healthy{route=\"web\",upstream=\"" + Loopback.endpoint(upstream.address()) + "\"} 1.0")) {
            assertTrue(body.contains(line), "missing: " + line);
        }
        assertTrue(body.contains("relay_build_info{version="), "build info");
        assertTrue(body.contains("process_start_time_seconds"), "process start time");
    }

    @Test
    void openConnectionsAreListedAndOneCanBeClosed() throws Exception {
        try (SocketChannel client = Loopback.connect(relay.localAddress())) {
            assertEquals(7, Loopback.greeting(client));
            JsonNode list = json(admin.get("/api/connections?route=web")).get("connections");
            assertEquals(1, list.size());
            long id = list.get(0).get("id").asLong();
            assertEquals("web", list.get(0).get("route").asText());
            assertEquals(1, list.get(0).get("bytes_down").asLong());

            assertEquals(200, admin.send("DELETE", "/api/connections/" + id).statusCode());
            assertEquals(-1, Loopback.greeting(client), "the client sees its connection end");
            await().atMost(WAIT).until(() -> closed.size() == 1);
            assertEquals(CloseReason.CLOSED_BY_OPERATOR, closed.get(0).reason());
        }
        assertEquals(404, admin.send("DELETE", "/api/connections/999999").statusCode());
    }

    @Test
    void aDrainedRouteTurnsNewClientsAwayUntilResumed() throws Exception {
        JsonNode drained = json(admin.send("POST", "/api/routes/web/drain"));
        assertTrue(drained.get("draining").asBoolean());
        try (SocketChannel client = Loopback.connect(relay.localAddress())) {
            int answer;
            try {
                answer = Loopback.greeting(client);
            } catch (IOException reset) {
                answer = -1;
            }
            assertEquals(-1, answer, "refused while draining");
        }
        assertTrue(admin.get("/metrics").body()
                .contains("relay_connections_rejected_total{reason=\"draining\",route=\"web\"} 1.0"));
        assertFalse(json(admin.send("POST", "/api/routes/web/resume")).get("draining").asBoolean());
        assertEquals(7, greeting());
    }

    @Test
    void reloadAppliesTheSourceOrSaysWhyNot() throws Exception {
        HttpResponse<String> ok = admin.send("POST", "/api/reload");
        assertEquals(200, ok.statusCode(), ok.body());
        assertEquals(0, json(ok).get("changed").size());

        source.set(() -> {
            throw new ConfigFileException(List.of(new ConfigProblem("relay.yaml", 3, 5, "unknown key \"x\"")));
        });
        HttpResponse<String> bad = admin.send("POST", "/api/reload");
        assertEquals(422, bad.statusCode());
        assertEquals("relay.yaml:3:5: unknown key \"x\"", json(bad).get("problems").get(0).asText());
        assertEquals(7, greeting(), "still serving");
        String metrics = admin.get("/metrics").body();
        assertTrue(metrics.contains("relay_config_reloads_total{result=\"ok\"} 1.0"), metrics);
        assertTrue(metrics.contains("relay_config_reloads_total{result=\"failed\"} 1.0"), metrics);
    }

    @Test
    void healthIsServingThenDrainingWhileTheRelayStops() throws Exception {
        assertEquals("serving", json(admin.get("/api/health")).get("status").asText());
        try (SocketChannel client = Loopback.connect(relay.localAddress())) {
            assertEquals(7, Loopback.greeting(client));
            RelayServer stopping = relay;
            CompletableFuture<Void> closing = CompletableFuture.runAsync(stopping::close);
            await().atMost(WAIT).until(() -> admin.get("/api/health").statusCode() == 503);
            assertEquals("draining", json(admin.get("/api/health")).get("status").asText());
            client.close();
            closing.get(20, java.util.concurrent.TimeUnit.SECONDS);
            relay = null;
        }
    }

    @Test
    void badRequestsGetAJsonErrorAndAStatus() throws Exception {
        HttpResponse<String> missing = admin.get("/api/nothing");
        assertEquals(404, missing.statusCode());
        assertEquals("no such endpoint: /api/nothing", json(missing).get("error").asText());
        assertEquals(405, admin.send("PUT", "/api/routes").statusCode());
        assertEquals(400, admin.send("DELETE", "/api/connections/abc").statusCode());
        assertEquals(400, admin.get("/api/connections?limit=0").statusCode());
        assertEquals(404, admin.send("POST", "/api/routes/nope/drain").statusCode());
        assertEquals(409, admin.send("POST", "/api/routes/web/capture?enabled=true").statusCode());
        for (String path : List.of("/api/nothing", "/api/connections/abc")) {
            assertFalse(admin.send("DELETE", path).body().contains("Exception"), "no stack trace");
        }
    }

    @Test
    void withATokenEveryRequestMustCarryIt() throws Exception {
        relay.close();
        Path tokenFile = Files.writeString(dir.resolve("token"), "s3cret-token\n");
        relay = RelayServer.start(config(tokenFile));
        AdminClient anonymous = new AdminClient(relay.adminAddress());
        AdminClient wrong = new AdminClient(relay.adminAddress(), "s3cret-tokem");
        AdminClient right = new AdminClient(relay.adminAddress(), "s3cret-token");
        for (String path : List.of("/metrics", "/api/routes", "/api/connections")) {
            HttpResponse<String> denied = anonymous.get(path);
            assertEquals(401, denied.statusCode(), path);
            assertEquals("", denied.body(), "401 and nothing else");
            assertEquals(401, wrong.get(path).statusCode(), path);
            assertEquals(200, right.get(path).statusCode(), path);
        }
        assertEquals(200, anonymous.get("/api/health").statusCode(), "a probe carries no token: health is open");
    }

    @Test
    void withATokenTheStatusPageLoadsForABrowserAndItsDataStillNeedsTheToken() throws Exception {
        relay.close();
        relay = RelayServer.start(config(Files.writeString(dir.resolve("token"), "s3cret-token\n")));
        AdminClient anonymous = new AdminClient(relay.adminAddress());
        HttpResponse<String> page = anonymous.get("/");
        assertEquals(200, page.statusCode(), "a browser sends no Authorization header for the page itself");
        assertTrue(page.body().contains("location.hash"), "the page takes the token from #token=...");
        assertEquals(401, anonymous.get("/api/routes").statusCode());
        assertEquals(401, anonymous.send("POST", "/").statusCode(), "only GET of the page is open");
    }

    @Test
    void aMalformedPercentEncodingIsA400WithAJsonError() throws Exception {
        for (String target : List.of("/api/%zz", "/api/routes?limit=%", "/%E0%A4%A", "/api/connections?route=%G1")) {
            String answer = RawHttp.exchange(relay.adminAddress(), "GET " + target + " HTTP/1.1\r\nHost: a\r\n"
                    + "Connection: close\r\n\r\n");
            assertTrue(answer.startsWith("HTTP/1.1 400 "), target + " -> " + answer);
            assertTrue(answer.contains("\"error\":\"the request's path or query has a malformed percent-encoding\""),
                    answer);
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInTheOrderTheyCame() throws Exception {
        // The first answer is taken on the relay's loops, the second at once: the second must not overtake it,
        // and its Connection: close must not cut the first.
        String answers = RawHttp.exchange(relay.adminAddress(),
                "GET /api/connections HTTP/1.1\r\nHost: a\r\n\r\n"
                        + "GET /api/health HTTP/1.1\r\nHost: a\r\n\r\n"
                        + "GET /api/routes HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
        int connections = answers.indexOf("\"connections\"");
        int health = answers.indexOf("\"serving\"");
        int routes = answers.indexOf("\"routes\"");
        assertTrue(connections > 0 && health > connections && routes > health, answers);
        assertEquals(3, answers.split("HTTP/1.1 200 OK", -1).length - 1, answers);
    }

    @Test
    void aPathOfThousandsOfSlashesIsAnsweredLikeAnyOther() throws Exception {
        String answer = RawHttp.exchange(relay.adminAddress(), "GET /api/routes" + "/".repeat(3000) + "x HTTP/1.1\r\n"
                + "Host: a\r\nConnection: close\r\n\r\n");
        assertTrue(answer.startsWith("HTTP/1.1 404 "), answer);
        String routes = RawHttp.exchange(relay.adminAddress(), "GET /api/routes" + "/".repeat(3000) + " HTTP/1.1\r\n"
                + "Host: a\r\nConnection: close\r\n\r\n");
        assertTrue(routes.startsWith("HTTP/1.1 200 "), "trailing slashes are dropped: " + routes);
    }

    @Test
    void theAdminListenerHasALoopOfItsOwnThatStopsWithTheRelay() throws Exception {
        assertEquals(200, admin.get("/metrics").statusCode());
        assertEquals(1, adminLoopThreads(), "the admin listener's own loop, beside the relay's io loops");
        relay.close();
        relay = null;
        await().atMost(WAIT).until(() -> adminLoopThreads() == 0);
    }

    private static long adminLoopThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("relay-admin-") && !t.getName().contains("work"))
                .count();
    }
}
