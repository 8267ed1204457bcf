package dev.relay.core.proxy;

import dev.relay.core.RelayHooks;
import dev.relay.core.config.Endpoint;
import dev.relay.core.metrics.RelayCounter;
import dev.relay.core.testing.CapturedLogs;
import dev.relay.core.testing.Family;
import dev.relay.core.testing.GatedResolverGroup;
import dev.relay.core.testing.Loopback;
import dev.relay.core.testing.PlainServer;
import dev.relay.core.testing.SocketStates;
import dev.relay.core.testing.TestRelay;
import dev.relay.core.config.TransportKind;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Upstreams that refuse, hang or go quiet, and clients that leave early: the client hears of it, nothing leaks. */
class RelayFailureTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.relay.core.testing.TestTransports#available")
    void refusedUpstreamClosesTheClientWithinASecond(TransportKind transport) throws Exception {
        try (TestRelay relay = TestRelay.start(transport, Family.IPV4.relayListen(dir), refusingEndpoint());
             SocketChannel client = Loopback.connect(relay.address())) {

            long started = System.nanoTime();
            assertEquals(-1, readOrReset(client), "the client should see its connection end");
            assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(1), "closed within 1 s");

            ConnectionSummary summary = relay.awaitClosed(1, Duration.ofSeconds(5));
            assertEquals(CloseReason.CONNECT_FAILED, summary.reason());
            assertTrue(summary.detail().toLowerCase().contains("refused"), summary.detail());
            assertEquals(1, relay.server().counters().get(RelayCounter.CONNECTIONS_FAILED));
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> CapturedLogs.contains("conn=" + summary.id() + " closed reason=connect_failed"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.relay.core.testing.TestTransports#available")
    void upstreamThatNeverAnswersTimesOut(TransportKind transport) throws Exception {
        // A listener whose accept queue is full drops further SYNs, so a connect to it hangs.
        try (ServerSocketChannel full = ServerSocketChannel.open()) {
            full.bind(new InetSocketAddress("127.0.0.1", 0), 1);
            List<SocketChannel> fillers = fillAcceptQueue(full);
            try (TestRelay relay = TestRelay.start(transport, Family.IPV4.relayListen(dir),
                         Loopback.endpoint(full.getLocalAddress()), b -> b.connectTimeout(Duration.ofMillis(300)));
                 SocketChannel client = Loopback.connect(relay.address())) {

                assertEquals(-1, readOrReset(client));
                ConnectionSummary summary = relay.awaitClosed(1, Duration.ofSeconds(5));
                assertEquals(CloseReason.CONNECT_TIMEOUT, summary.reason());
                assertTrue(summary.duration().toMillis() >= 250, "waited for the timeout: " + summary.duration());
            } finally {
                for (SocketChannel filler : fillers) {
                    filler.close();
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.relay.core.testing.TestTransports#available")
    void quietConnectionIsClosedAfterTheIdleTimeout(TransportKind transport) throws Exception {
        try (PlainServer upstream = PlainServer.start(Family.IPV4.bindAddress(dir), channel -> Loopback.readToEnd(channel, 1024));
             TestRelay relay = TestRelay.start(transport, Family.IPV4.relayListen(dir), Loopback.endpoint(upstream.address()),
                     b -> b.idleTimeout(Duration.ofMillis(300)));
             SocketChannel client = Loopback.connect(relay.address())) {

            assertEquals(-1, readOrReset(client));
            ConnectionSummary summary = relay.awaitClosed(1, Duration.ofSeconds(5));
            assertEquals(CloseReason.IDLE_TIMEOUT, summary.reason());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.relay.core.testing.TestTransports#available")
    void clientGoneBeforeTheUpstreamConnectsTakesTheUpstreamWithIt(TransportKind transport) throws Exception {
        GatedResolverGroup resolver = new GatedResolverGroup();
        CompletableFuture<byte[]> upstreamSaw = new CompletableFuture<>();
        try (PlainServer upstream = PlainServer.start(Family.IPV4.bindAddress(dir),
                     channel -> upstreamSaw.complete(Loopback.readToEnd(channel, 1024)));
             TestRelay relay = TestRelay.start(transport, Family.IPV4.relayListen(dir),
                     Endpoint.parse("upstream.test:" + ((InetSocketAddress) upstream.address()).getPort()),
                     b -> b, RelayHooks.DEFAULT.withResolver(() -> resolver))) {

            SocketChannel client = Loopback.connect(relay.address());
            resolver.asked().get(5, TimeUnit.SECONDS);
            client.close();
            resolver.open();

            // Whatever the transport noticed first, the upstream socket ends and the connection is gone.
            relay.awaitIdle(Duration.ofSeconds(5));
            if (upstream.acceptedCount() > 0) {
                assertEquals(0, upstreamSaw.get(5, TimeUnit.SECONDS).length);
            }
            assertEquals(0, relay.server().counters().get(RelayCounter.CONNECTIONS_ACTIVE));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.relay.core.testing.TestTransports#available")
    void twoThousandRefusedConnectsLeaveNoFileDescriptorBehind(TransportKind transport) throws Exception {
        try (TestRelay relay = TestRelay.start(transport, Family.IPV4.relayListen(dir), refusingEndpoint())) {
            connectAndWaitForClose(relay, 50); // warm up: lazily created pools and buffers stay
            relay.awaitIdle(Duration.ofSeconds(5));
            long before = SocketStates.openFileDescriptors();

            connectAndWaitForClose(relay, 2_000);

            relay.awaitIdle(Duration.ofSeconds(10));
            assertEquals(2_050, relay.server().counters().get(RelayCounter.CONNECTIONS_FAILED));
            await().atMost(Duration.ofSeconds(10)).until(() -> SocketStates.openFileDescriptors() <= before);
        }
    }

    private static void connectAndWaitForClose(TestRelay relay, int times) throws IOException {
        for (int i = 0; i < times; i++) {
            try (SocketChannel client = Loopback.connect(relay.address())) {
                readOrReset(client);
            }
        }
    }

    /** Reads until the connection ends; -1 for a clean EOF or a reset, else the byte count that came. */
    private static int readOrReset(SocketChannel client) {
        int total = 0;
        try {
            for (int n; (n = client.read(ByteBuffer.allocate(1024))) >= 0; ) {
                total += n;
            }
            return total == 0 ? -1 : total;
        } catch (IOException reset) {
            return -1;
        }
    }

    private static Endpoint refusingEndpoint() throws IOException {
        return Loopback.refusingEndpoint();
    }

    private static List<SocketChannel> fillAcceptQueue(ServerSocketChannel server) throws IOException {
        List<SocketChannel> fillers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            SocketChannel filler = SocketChannel.open();
            filler.configureBlocking(false);
            filler.connect(server.getLocalAddress());
            fillers.add(filler);
        }
        return fillers;
    }
}
