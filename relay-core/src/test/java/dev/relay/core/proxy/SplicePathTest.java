package dev.relay.core.proxy;

import dev.relay.core.RelayHooks;
import dev.relay.core.config.Endpoint;
import dev.relay.core.config.RouteConfig;
import dev.relay.core.config.RouteTimeouts;
import dev.relay.core.config.SendProxy;
import dev.relay.core.config.ServerConfig;
import dev.relay.core.metrics.RelayCounter;
import dev.relay.core.testing.Family;
import dev.relay.core.testing.GatedResolverGroup;
import dev.relay.core.testing.Loopback;
import dev.relay.core.testing.PlainServer;
import dev.relay.core.testing.TestRelay;
import dev.relay.core.config.TransportKind;
import dev.relay.core.transport.Transports;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The splice path on epoll: taken when nothing needs the bytes, left when something does, and exact in what it
 * counts. The rest of the correctness suite (integrity, half-close, reset, slow reader, client gone) runs on epoll
 * with splicing on, so it covers this path too.
 */
class SplicePathTest {

    private static final long SEED = 2026;

    @TempDir
    Path dir;

    private static void assumeEpoll() {
        assumeTrue(Transports.available().contains(TransportKind.EPOLL), "epoll is not available here");
    }

    private TestRelay relay(PlainServer upstream, UnaryOperator<RouteConfig.Builder> tweak, boolean splice) {
        RouteConfig route = tweak.apply(RouteConfig.builder("spliced").listen(Family.IPV4.relayListen(dir))
                .upstream(Loopback.endpoint(upstream.address()))).build();
        return TestRelay.start(ServerConfig.of(route).with(TransportKind.EPOLL, 2, Duration.ofSeconds(2))
                .withSplice(splice));
    }

    private static PlainServer echo(Path dir) throws Exception {
        return PlainServer.start(Family.IPV4.bindAddress(dir), channel -> {
            java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate(64 * 1024);
            while (channel.read(buffer) >= 0) {
                buffer.flip();
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                buffer.clear();
            }
            channel.shutdownOutput();
        });
    }

    @Test
    void bulkBothWaysIsSplicedIntactAndCountedExactly() throws Exception {
        assumeEpoll();
        long size = 16L * 1024 * 1024;
        try (PlainServer upstream = echo(dir);
             TestRelay relay = relay(upstream, UnaryOperator.identity(), true);
             SocketChannel client = Loopback.connect(relay.address())) {

            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    Loopback.writeRandom(client, SEED, size);
                    client.shutdownOutput();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            assertEquals(Loopback.randomDigest(SEED, size), Loopback.digestToEnd(client), "every byte, in order");
            writer.get(30, TimeUnit.SECONDS);

            ConnectionSummary summary = relay.awaitClosed(1, Duration.ofSeconds(10));
            assertTrue(summary.spliced());
            assertEquals(size, summary.bytesUpstream());
            assertEquals(size, summary.bytesDownstream());
            assertEquals(1, relay.server().counters().get(RelayCounter.CONNECTIONS_SPLICED));
        }
    }

    @Test
    void idleSplicedConnectionsHoldNoPipe() throws Exception {
        assumeEpoll();
        int connections = 16;
        try (PlainServer upstream = echo(dir);
             TestRelay relay = relay(upstream, UnaryOperator.identity(), true)) {
            long pipesBefore = openPipes();
            List<SocketChannel> clients = new ArrayList<>();
            try {
                byte[] hello = Loopback.randomBytes(100_000, 3);
                for (int i = 0; i < connections; i++) {
                    SocketChannel client = Loopback.connect(relay.address());
                    clients.add(client);
                    Loopback.writeFully(client, hello);
                    assertArrayEquals(hello, Loopback.readExactly(client, hello.length));
                }
                assertEquals(connections, relay.server().counters().get(RelayCounter.CONNECTIONS_SPLICED));
                assertTrue(relay.server().connections().connections().iterator().next()
                        .snapshot().get(5, TimeUnit.SECONDS).spliced(), "the API tells a spliced connection");
                // Each direction borrowed a pipe while bytes waited and gave it back: the loops keep a few, not
                // two per connection.
                long pipesNow = openPipes();
                assertTrue(pipesNow - pipesBefore < connections,
                        (pipesNow - pipesBefore) / 2 + " pipes open for " + connections + " idle connections");
            } finally {
                for (SocketChannel client : clients) {
                    client.close();
                }
            }
        }
    }

    /** File descriptors of this process that are pipe ends. */
    private static long openPipes() throws Exception {
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString().startsWith("pipe:");
                } catch (Exception gone) {
                    return false; // closed while listed
                }
            }).count();
        }
    }

    @Test
    void switchedOffItRelaysThroughTheJvm() throws Exception {
        assumeEpoll();
        try (PlainServer upstream = echo(dir);
             TestRelay relay = relay(upstream, UnaryOperator.identity(), false)) {
            assertEchoedWithoutSplicing(relay);
        }
    }

    @Test
    void aRouteThatLooksAtTheBytesIsNotSpliced() throws Exception {
        assumeEpoll();
        try (PlainServer upstream = echo(dir);
             TestRelay relay = relay(upstream, route -> route.hexdump(true), true)) {
            assertEchoedWithoutSplicing(relay);
        }
    }

    private static void assertEchoedWithoutSplicing(TestRelay relay) throws Exception {
        try (SocketChannel client = Loopback.connect(relay.address())) {
            byte[] hello = "hello".getBytes(StandardCharsets.US_ASCII);
            Loopback.writeFully(client, hello);
            assertArrayEquals(hello, Loopback.readExactly(client, hello.length));
            assertEquals(0, relay.server().counters().get(RelayCounter.CONNECTIONS_SPLICED));
            ConnectionSummary open = relay.server().connections().connections().iterator().next()
                    .snapshot().get(5, TimeUnit.SECONDS);
            assertFalse(open.spliced());
        }
    }

    @Test
    void anUpstreamThatSpeaksAndLeavesAtOnceIsRelayedWhole() throws Exception {
        assumeEpoll();
        // Bytes and a FIN that arrive while the pair is being handed over are held and go first.
        byte[] banner = Loopback.randomBytes(100_000, 5);
        try (PlainServer upstream = PlainServer.start(Family.IPV4.bindAddress(dir), channel -> {
                 Loopback.writeFully(channel, banner);
                 channel.shutdownOutput();
                 Loopback.readToEnd(channel, 1024);
             });
             TestRelay relay = relay(upstream, UnaryOperator.identity(), true);
             SocketChannel client = Loopback.connect(relay.address())) {
            assertArrayEquals(banner, Loopback.readToEnd(client, banner.length + 1));
            client.shutdownOutput();
            ConnectionSummary summary = relay.awaitClosed(1, Duration.ofSeconds(10));
            assertEquals(CloseReason.UPSTREAM_CLOSED, summary.reason());
            assertEquals(banner.length, summary.bytesDownstream());
        }
    }

    /** Spliced or not, the header is the first thing on the wire, before bytes (and a FIN) the client sent at once. */
    @Test
    void aClientThatSendsAndLeavesBeforeTheUpstreamAnswersIsSplicedWhole() throws Exception {
        assumeEpoll();
        // The upstream's name resolves only once the client's bytes and FIN are in: epoll reads them with the FIN,
        // they are held, and the splice path writes them first.
        GatedResolverGroup resolver = new GatedResolverGroup();
        byte[] upload = Loopback.randomBytes(100_000, 9);
        byte[] reply = Loopback.randomBytes(50_000, 10);
        CompletableFuture<byte[]> uploaded = new CompletableFuture<>();
        try (PlainServer upstream = PlainServer.start(Family.IPV4.bindAddress(dir), channel -> {
                 uploaded.complete(Loopback.readToEnd(channel, upload.length + 1));
                 Loopback.writeFully(channel, reply);
             });
             TestRelay relay = TestRelay.start(TransportKind.EPOLL, Family.IPV4.relayListen(dir),
                     Endpoint.parse("upstream.test:" + ((InetSocketAddress) upstream.address()).getPort()),
                     b -> b, RelayHooks.DEFAULT.withResolver(() -> resolver));
             SocketChannel client = Loopback.connect(relay.address())) {
            resolver.asked().get(5, TimeUnit.SECONDS);
            Loopback.writeFully(client, upload);
            client.shutdownOutput();
            resolver.open();

            assertArrayEquals(reply, Loopback.readToEnd(client, reply.length + 1));
            assertArrayEquals(upload, uploaded.get(10, TimeUnit.SECONDS));
            ConnectionSummary summary = relay.awaitClosed(1, Duration.ofSeconds(10));
            assertEquals(upload.length, summary.bytesUpstream());
            assertEquals(reply.length, summary.bytesDownstream());
            assertEquals(CloseReason.CLIENT_CLOSED, summary.reason());
            assertEquals(1, relay.server().counters().get(RelayCounter.CONNECTIONS_SPLICED));
        }
    }

    @ParameterizedTest(name = "splice {0}")
    @ValueSource(booleans = {true, false})
    void theProxyHeaderGoesFirstThenTheClientsBytes(boolean splice) throws Exception {
        assumeEpoll();
        byte[] request = "ping".getBytes(StandardCharsets.US_ASCII);
        CompletableFuture<String> seen = new CompletableFuture<>();
        try (PlainServer upstream = PlainServer.start(Family.IPV4.bindAddress(dir), channel -> {
                 seen.complete(new String(Loopback.readToEnd(channel, 4096), StandardCharsets.US_ASCII));
             });
             TestRelay relay = relay(upstream, route -> route.sendProxy(SendProxy.V1), splice);
             SocketChannel client = Loopback.connect(relay.address())) {
            Loopback.writeFully(client, request);
            client.shutdownOutput();
            String got = seen.get(10, TimeUnit.SECONDS);
            assertTrue(got.startsWith("PROXY TCP4 127.0.0.1 127.0.0.1 "), got);
            assertTrue(got.endsWith("\r\nping"), got);
        }
    }

    @Test
    void anIdleSplicedConnectionTimesOut() throws Exception {
        assumeEpoll();
        try (PlainServer upstream = echo(dir);
             TestRelay relay = relay(upstream, route -> route.timeouts(
                     new RouteTimeouts(RouteTimeouts.DEFAULT_CONNECT, Duration.ofMillis(300), Duration.ZERO)), true);
             SocketChannel client = Loopback.connect(relay.address())) {
            byte[] hello = "hello".getBytes(StandardCharsets.US_ASCII);
            Loopback.writeFully(client, hello);
            assertArrayEquals(hello, Loopback.readExactly(client, hello.length));
            assertEquals(CloseReason.IDLE_TIMEOUT, relay.awaitClosed(1, Duration.ofSeconds(10)).reason());
            assertEquals(1, relay.server().counters().get(RelayCounter.CONNECTIONS_SPLICED));
        }
    }
}
