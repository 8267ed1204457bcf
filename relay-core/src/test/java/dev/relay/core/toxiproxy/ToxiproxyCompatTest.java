package dev.relay.core.toxiproxy;

import dev.relay.core.http.Reply;
import dev.relay.core.config.Endpoint;
import dev.relay.core.testing.Loopback;
import dev.relay.core.testing.PlainServer;
import eu.rekawek.toxiproxy.Proxy;
import eu.rekawek.toxiproxy.ToxiproxyClient;
import eu.rekawek.toxiproxy.model.ToxicDirection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Toxiproxy's published Java client, unmodified, drives relay: proxies, each toxic's effect, disable, reset. */
class ToxiproxyCompatTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private PlainServer upstream;
    private ToxiproxyServer toxiproxy;
    private ToxiproxyClient client;
    private Proxy proxy;

    @BeforeEach
    void start() throws IOException {
        upstream = Loopback.identityServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 7);
        toxiproxy = ToxiproxyServer.start(Endpoint.parse("127.0.0.1:0"));
        client = new ToxiproxyClient("127.0.0.1", ((InetSocketAddress) toxiproxy.apiAddress()).getPort());
        proxy = client.createProxy("echo", "127.0.0.1:0", Loopback.endpoint(upstream.address()).toString());
    }

    @AfterEach
    void stop() throws IOException {
        toxiproxy.close();
        upstream.close();
    }

    private SocketChannel connect() throws IOException {
        String listen = client.getProxy("echo").getListen();
        int port = Integer.parseInt(listen.substring(listen.lastIndexOf(':') + 1));
        return SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
    }

    private static long roundTripMillis(SocketChannel channel) throws IOException {
        long started = System.nanoTime();
        Loopback.writeFully(channel, new byte[] {1});
        Loopback.readExactly(channel, 1);
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    }

    @Test
    void proxiesAreCreatedListedAndDeleted() throws Exception {
        assertFalse(client.version().isBlank());
        assertEquals(1, client.getProxies().size());
        assertEquals(Loopback.endpoint(upstream.address()).toString(), proxy.getUpstream());
        assertTrue(proxy.isEnabled());
        try (SocketChannel channel = connect()) {
            assertEquals(7, Loopback.greeting(channel));
        }
        proxy.delete();
        assertNull(client.getProxyOrNull("echo"));
    }

    @Test
    void latencyShowsInRoundTripsUntilRemoved() throws Exception {
        try (SocketChannel channel = connect()) {
            assertEquals(7, Loopback.greeting(channel));
            proxy.toxics().latency("slow", ToxicDirection.DOWNSTREAM, 150);
            assertTrue(roundTripMillis(channel) >= 150, "the open connection is slowed too");
            assertEquals(1, proxy.toxics().getAll().size());
            proxy.toxics().get("slow").remove();
            await().atMost(WAIT).until(() -> roundTripMillis(channel) < 150);
        }
    }

    @Test
    void resetPeerSurfacesAsAConnectionReset() throws Exception {
        proxy.toxics().resetPeer("rst", ToxicDirection.DOWNSTREAM, 0);
        try (SocketChannel channel = connect()) {
            assertThrows(IOException.class, () -> {
                Loopback.writeFully(channel, new byte[] {1});
                Loopback.readToEnd(channel, 16);
            });
        }
    }

    @Test
    void limitDataTimeoutBandwidthSlowCloseAndSlicerAllTakeEffect() throws Exception {
        proxy.toxics().limitData("limit", ToxicDirection.DOWNSTREAM, 10);
        try (SocketChannel channel = connect()) {
            Loopback.writeFully(channel, new byte[100]);
            assertEquals(10, Loopback.readToEnd(channel, 1_000).length);
        }
        proxy.toxics().get("limit").remove();

        proxy.toxics().timeout("stall", ToxicDirection.UPSTREAM, 200);
        try (SocketChannel channel = connect()) {
            assertEquals(7, Loopback.greeting(channel));
            Loopback.writeFully(channel, new byte[] {1});
            assertEquals(0, Loopback.readToEnd(channel, 16).length, "nothing through, then closed");
        }
        proxy.toxics().get("stall").remove();

        proxy.toxics().bandwidth("thin", ToxicDirection.DOWNSTREAM, 100);
        proxy.toxics().slicer("cut", ToxicDirection.UPSTREAM, 10, 0).setDelay(100);
        proxy.toxics().slowClose("late", ToxicDirection.DOWNSTREAM, 100);
        byte[] blob = Loopback.randomBytes(20_000, 4);
        try (SocketChannel channel = connect()) {
            assertEquals(7, Loopback.greeting(channel));
            long started = System.nanoTime();
            Loopback.writeFully(channel, blob);
            assertArrayEquals(blob, Loopback.readExactly(channel, blob.length), "slices and pacing keep the bytes");
            assertTrue(System.nanoTime() - started >= TimeUnit.MILLISECONDS.toNanos(150), "20 KB at 100 KB/s");
        }
        assertEquals(3, proxy.toxics().getAll().size());
    }

    @Test
    void aDisabledProxyRefusesUntilEnabledAndResetClearsEverything() throws Exception {
        proxy.toxics().latency("slow", ToxicDirection.UPSTREAM, 500);
        int port = Integer.parseInt(proxy.getListen().substring(proxy.getListen().lastIndexOf(':') + 1));
        proxy.disable();
        assertFalse(client.getProxy("echo").isEnabled());
        assertThrows(IOException.class, () -> SocketChannel.open(new InetSocketAddress("127.0.0.1", port)).close(),
                "down: connection refused");
        client.reset();
        assertTrue(client.getProxy("echo").isEnabled());
        assertEquals(0, client.getProxy("echo").toxics().getAll().size());
        try (SocketChannel channel = connect()) {
            assertEquals(7, Loopback.greeting(channel));
        }
    }

    @Test
    void populateCreatesOrUpdatesProxiesInOneCallAndErrorsAreToxiproxys() throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + ((InetSocketAddress) toxiproxy.apiAddress()).getPort();
        String upstreamAddress = Loopback.endpoint(upstream.address()).toString();
        java.net.http.HttpResponse<String> populated = http.send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(base + "/populate"))
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("[{\"name\":\"echo\",\"listen\":\"127.0.0.1:0\","
                        + "\"upstream\":\"" + upstreamAddress + "\"},{\"name\":\"second\",\"listen\":\"127.0.0.1:0\","
                        + "\"upstream\":\"" + upstreamAddress + "\"}]")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(201, populated.statusCode(), populated.body());
        assertTrue(populated.body().contains("\"second\""), populated.body());
        assertEquals(2, client.getProxies().size());

        java.net.http.HttpResponse<String> missing = http.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(base + "/proxies/nope")).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(404, missing.statusCode());
        assertEquals("{\"error\":\"proxy not found\",\"status\":404}", missing.body());
        IOException duplicate = assertThrows(IOException.class,
                () -> client.createProxy("echo", "127.0.0.1:0", upstreamAddress));
        assertTrue(duplicate.getMessage().contains("409"), duplicate.getMessage());
    }

    @Test
    void aConfigFileMakesProxiesWithTheirToxicsInOneStepAndPlainToxicsKeepToxiproxysJson(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        String upstreamAddress = Loopback.endpoint(upstream.address()).toString();
        java.nio.file.Path file = dir.resolve("toxiproxy.json");
        java.nio.file.Files.writeString(file, "[{\"name\": \"db\", \"listen\": \"127.0.0.1:0\", \"upstream\": \""
                + upstreamAddress + "\", \"toxics\": [{\"type\": \"latency\", \"attributes\": {\"latency\": 5}},"
                + " {\"name\": \"blip\", \"type\": \"reject\", \"after\": \"1h\", \"for\": \"5s\","
                + " \"clients\": [\"127.0.0.1/32\"]}]}]");
        toxiproxy.populate(file);
        java.net.http.HttpResponse<String> toxics = call("GET", "/proxies/db/toxics", null);
        assertEquals(Reply.JSON.readTree("[{\"name\":\"latency_downstream\",\"type\":\"latency\",\"stream\":\"downstream\","
                + "\"toxicity\":1.0,\"attributes\":{\"jitter\":0,\"latency\":5}},"
                + "{\"name\":\"blip\",\"type\":\"reject\",\"stream\":\"downstream\",\"toxicity\":1.0,"
                + "\"attributes\":{},\"clients\":[\"127.0.0.1/32\"],\"after\":\"1h\",\"for\":\"5s\",\"every\":\"0\"}]"),
                Reply.JSON.readTree(toxics.body()), "Toxiproxy's fields as ever; relay's only where set");
        assertEquals(2, toxiproxy.relay().routes().get("db").toxics().list().size());

        java.nio.file.Path yaml = dir.resolve("toxiproxy.yaml");
        java.nio.file.Files.writeString(yaml, "- name: cache\n  upstream: " + upstreamAddress
                + "\n  toxics: [{type: lag}]\n");
        dev.relay.core.base.RelayStartException bad = assertThrows(dev.relay.core.base.RelayStartException.class,
                () -> toxiproxy.populate(yaml));
        assertTrue(bad.getMessage().startsWith(yaml + ": ") && !bad.getMessage().contains("\n"), bad.getMessage());
    }

    private java.net.http.HttpResponse<String> call(String method, String path, String body) throws Exception {
        String base = "http://127.0.0.1:" + ((InetSocketAddress) toxiproxy.apiAddress()).getPort();
        return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(base + path))
                .method(method, body == null ? java.net.http.HttpRequest.BodyPublishers.noBody()
                        : java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void versionIsJsonAsToxiproxySinceTwoSevenAnswersIt() throws Exception {
        java.net.http.HttpResponse<String> version = call("GET", "/version", null);
        assertEquals(200, version.statusCode());
        assertEquals("{\"version\":\"" + ToxiproxyApi.VERSION + "\"}", version.body());
        assertTrue(version.headers().firstValue("content-type").orElse("").startsWith("application/json"));
        assertEquals(ToxiproxyApi.VERSION, client.version().replaceAll(".*\"version\":\"([^\"]+)\".*", "$1"));
    }

    @Test
    void badToxicsAreRefusedInToxiproxysWordsAndTypesAreChecked() throws Exception {
        String toxics = "/proxies/echo/toxics";
        assertEquals("{\"error\":\"stream was invalid, can be either upstream or downstream\",\"status\":400}",
                call("POST", toxics, "{\"type\":\"latency\",\"stream\":\"sideways\"}").body());
        assertEquals("{\"error\":\"invalid toxic type\",\"status\":400}",
                call("POST", toxics, "{\"type\":\"pigeon\"}").body());
        java.net.http.HttpResponse<String> stringLatency = call("POST", toxics,
                "{\"type\":\"latency\",\"attributes\":{\"latency\":\"100\"}}");
        assertEquals(400, stringLatency.statusCode(), stringLatency.body());
        assertTrue(stringLatency.body().startsWith("{\"error\":\"bad request body"), stringLatency.body());
        assertEquals(400, call("POST", toxics, "{\"type\":\"latency\",\"toxicity\":\"half\"}").statusCode());
        assertEquals(400, call("POST", toxics, "{\"type\":\"latency\",\"toxicity\":2}").statusCode());
        assertEquals(400, call("POST", "/proxies", "{\"name\":7,\"upstream\":\"127.0.0.1:1\"}").statusCode());
        assertEquals(400, call("POST", "/proxies/echo", "{\"enabled\":\"yes\"}").statusCode());
        assertEquals(400, call("POST", toxics, "[1,2]").statusCode());
        for (String body : new String[] {stringLatency.body(), call("POST", toxics, "{\"type\":\"pigeon\"}").body()}) {
            assertFalse(body.contains("dev.relay") || body.contains("Exception"), body);
        }
        assertTrue(client.getProxy("echo").toxics().getAll().isEmpty(), "nothing was added");
    }

    @Test
    void metricsAreServedAsToxiproxyServesThemSinceTwoFour() throws Exception {
        java.net.http.HttpResponse<String> metrics = call("GET", "/metrics", null);
        assertEquals(200, metrics.statusCode());
        assertTrue(metrics.body().contains("relay_connections"), metrics.body());
    }
}
