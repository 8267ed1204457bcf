package dev.relay.core.proxy;

import dev.relay.core.toxic.ToxicHandler;
import dev.relay.core.base.Direction;

import dev.relay.core.config.Endpoint;
import dev.relay.core.config.RouteConfig;
import dev.relay.core.testing.Loopback;
import dev.relay.core.testing.PlainServer;
import dev.relay.core.testing.TestRelay;
import dev.relay.core.config.Toxic;
import dev.relay.core.toxic.ToxicSet;
import dev.relay.core.config.ToxicType;
import dev.relay.core.config.TransportKind;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each toxic's effect on real traffic over loopback. Times are asserted from below only (a toxic must delay at
 * least as long as it says); speed is never asserted here.
 */
class ToxicTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private static PlainServer echo() throws IOException {
        return Loopback.identityServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 7);
    }

    private static TestRelay relay(TransportKind transport, PlainServer upstream) {
        // Splicing off, as in relay toxiproxy and EmbeddedRelay: toxics reach connections already open.
        return TestRelay.start(transport, false, RouteConfig.builder("r").listen(Endpoint.parse("127.0.0.1:0"))
                .upstream(Loopback.endpoint(upstream.address())).build());
    }

    private static ToxicSet toxics(TestRelay relay) {
        return relay.server().routes().get("r").toxics();
    }

    private static long roundTripMillis(SocketChannel client) throws IOException {
        long started = System.nanoTime();
        Loopback.writeFully(client, new byte[] {1});
        Loopback.readExactly(client, 1);
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.relay.core.testing.TestTransports#available")
    void latencyDelaysEveryRoundTripEvenOnAConnectionAlreadyOpen(TransportKind transport) throws Exception {
        try (PlainServer upstream = echo(); TestRelay relay = relay(transport, upstream);
             SocketChannel client = Loopback.connect(relay.address())) {
            assertEquals(7, Loopback.greeting(client));
            assertNull(relay.server().connections().connections().iterator().next().client().pipeline()
                    .get(PipelineNames.TOXIC), "no toxics, no toxic handler: the plain relay's pipeline");
            toxics(relay).add(Toxic.of(ToxicType.LATENCY, Direction.UPSTREAM, Map.of("latency", 150L)));
            toxics(relay).add(Toxic.of(ToxicType.LATENCY, Direction.DOWNSTREAM, Map.of("latency", 50L)));
            await().atMost(WAIT).until(() -> roundTripMillis(client) >= 200);
            assertTrue(roundTripMillis(client) >= 200, "150 ms up and 50 ms down, every time");
            toxics(relay).clear();
            await().atMost(WAIT).until(() -> roundTripMillis(client) < 200);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.relay.core.testing.TestTransports#available")
    void bandwidthPacesTheBytesAndKeepsThemWhole(TransportKind transport) throws Exception {
        byte[] blob = Loopback.randomBytes(50_000, 3);
        try (PlainServer upstream = echo(); TestRelay relay = relay(transport, upstream)) {
            toxics(relay).add(Toxic.of(ToxicType.BANDWIDTH, Direction.DOWNSTREAM, Map.of("rate", 100L)));
            try (SocketChannel client = Loopback.connect(relay.address())) {
                assertEquals(7, Loopback.greeting(client));
                long started = System.nanoTime();
                Loopback.writeFully(client, blob);
                assertArrayEquals(blob, Loopback.readExactly(client, blob.length));
                long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
                assertTrue(millis >= 450, "50,000 bytes at 100 KB/s take half a second: " + millis + " ms");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.relay.core.testing.TestTransports#available")
    void aSlowBandwidthWithAFastWriterHoldsABoundedQueue(TransportKind transport) throws Exception {
        AtomicLong written = new AtomicLong();
        try (PlainServer upstream = PlainServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                channel -> {
                    ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
                    for (int i = 0; i < 1_000; i++) { // at most 64 MiB; the relay stops it long before
                        chunk.clear();
                        written.addAndGet(channel.write(chunk));
                    }
                });
             TestRelay relay = relay(transport, upstream)) {
            toxics(relay).add(Toxic.of(ToxicType.BANDWIDTH, Direction.DOWNSTREAM, Map.of("rate", 1L)));
            try (SocketChannel client = Loopback.connect(relay.address())) {
                await().atMost(WAIT).until(() -> written.get() > 64 * 1024);
                // The writer stalls once the kernel's buffers and relay's bounded queue are full.
                long[] last = {-1};
                await().atMost(WAIT).pollInterval(Duration.ofMillis(300)).until(() -> {
                    long now = written.get();
                    boolean stalled = now == last[0];
                    last[0] = now;
                    return stalled;
                });
                RelayConnection connection = relay.server().connections().connections().iterator().next();
                ToxicHandler toxic = (ToxicHandler) connection.upstreamChannel().pipeline().get(PipelineNames.TOXIC);
                long queued = connection.upstreamChannel().eventLoop().submit(toxic::pendingBytes).get();
                assertTrue(queued <= 2L * ToxicHandler.HIGH_WATER, "relay holds a bounded queue: " + queued);
                assertTrue(written.get() < 32L * 1024 * 1024, "the writer is held back: " + written.get());
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.relay.core.testing.TestTransports#available")
    void limitDataClosesAfterItsBytes(TransportKind transport) throws Exception {
        try (PlainServer upstream = echo(); TestRelay relay = relay(transport, upstream)) {
            toxics(relay).add(Toxic.of(ToxicType.LIMIT_DATA, Direction.DOWNSTREAM, Map.of("bytes", 101L)));
            try (SocketChannel client = Loopback.connect(relay.address())) {
                assertEquals(7, Loopback.greeting(client));
                Loopback.writeFully(client, Loopback.randomBytes(1_000, 1));
                byte[] got = Loopback.readToEnd(client, 2_000);
                assertEquals(100, got.length, "101 bytes in all, the greeting among them");
                assertArrayEquals(Arrays.copyOf(Loopback.randomBytes(1_000, 1), 100), got);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.relay.core.testing.TestTransports#available")
    void timeoutStopsTheDataThenCloses(TransportKind transport) throws Exception {
        try (PlainServer upstream = echo(); TestRelay relay = relay(transport, upstream)) {
            toxics(relay).add(Toxic.of(ToxicType.TIMEOUT, Direction.UPSTREAM, Map.of("timeout", 300L)));
            try (SocketChannel client = Loopback.connect(relay.address())) {
                assertEquals(7, Loopback.greeting(client));
                long started = System.nanoTime();
                Loopback.writeFully(client, new byte[] {1, 2, 3});
                assertEquals(0, Loopback.readToEnd(client, 16).length, "nothing came back");
                assertTrue(System.nanoTime() - started >= TimeUnit.MILLISECONDS.toNanos(290), "closed after 300 ms");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.relay.core.testing.TestTransports#available")
    void resetPeerResetsTheClient(TransportKind transport) throws Exception {
        try (PlainServer upstream = echo(); TestRelay relay = relay(transport, upstream)) {
            toxics(relay).add(Toxic.of(ToxicType.RESET_PEER, Direction.DOWNSTREAM, Map.of("timeout", 100L)));
            try (SocketChannel client = Loopback.connect(relay.address())) {
                assertEquals(7, Loopback.greeting(client));
                assertThrows(IOException.class, () -> Loopback.readToEnd(client, 16), "a reset, not an orderly end");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.relay.core.testing.TestTransports#available")
    void slowCloseDelaysTheFin(TransportKind transport) throws Exception {
        try (PlainServer upstream = PlainServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                channel -> Loopback.writeFully(channel, new byte[] {7}));
             TestRelay relay = relay(transport, upstream)) {
            toxics(relay).add(Toxic.of(ToxicType.SLOW_CLOSE, Direction.DOWNSTREAM, Map.of("delay", 300L)));
            try (SocketChannel client = Loopback.connect(relay.address())) {
                long started = System.nanoTime();
                assertEquals(7, Loopback.greeting(client));
                assertEquals(0, Loopback.readToEnd(client, 16).length);
                assertTrue(System.nanoTime() - started >= TimeUnit.MILLISECONDS.toNanos(290), "the FIN came late");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.relay.core.testing.TestTransports#available")
    void aLatencyAddedAfterTheClientsFinStillDeliversTheWholeReply(TransportKind transport) throws Exception {
        // Once the client's FIN is relayed, the upstream's FIN would end its channel at once; a toxic that holds
        // bytes when that FIN comes must still pass them all on, then the FIN.
        byte[] reply = Loopback.randomBytes(20_000, 5);
        CompletableFuture<byte[]> requestSeen = new CompletableFuture<>();
        CountDownLatch toxicAdded = new CountDownLatch(1);
        try (PlainServer upstream = PlainServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                channel -> {
                    requestSeen.complete(Loopback.readToEnd(channel, 1024));
                    if (toxicAdded.await(WAIT.toSeconds(), TimeUnit.SECONDS)) {
                        Loopback.writeFully(channel, reply);
                    }
                });
             TestRelay relay = relay(transport, upstream);
             SocketChannel client = Loopback.connect(relay.address())) {
            Loopback.writeFully(client, new byte[] {1, 2, 3});
            client.shutdownOutput();
            assertArrayEquals(new byte[] {1, 2, 3}, requestSeen.get(WAIT.toSeconds(), TimeUnit.SECONDS));
            toxics(relay).add(Toxic.of(ToxicType.LATENCY, Direction.DOWNSTREAM, Map.of("latency", 100L)));
            RelayConnection open = relay.server().connections().connections().iterator().next();
            await().atMost(WAIT).until(() -> open.upstreamChannel().pipeline().get(PipelineNames.TOXIC) != null);
            toxicAdded.countDown();
            assertArrayEquals(reply, Loopback.readToEnd(client, reply.length + 1));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.relay.core.testing.TestTransports#available")
    void slicerCutsTheBytesButKeepsThemInOrder(TransportKind transport) throws Exception {
        byte[] blob = Loopback.randomBytes(5_000, 9);
        try (PlainServer upstream = echo(); TestRelay relay = relay(transport, upstream)) {
            toxics(relay).add(Toxic.of(ToxicType.SLICER, Direction.DOWNSTREAM,
                    Map.of("average_size", 10L, "size_variation", 5L, "delay", 100L)));
            try (SocketChannel client = Loopback.connect(relay.address())) {
                assertEquals(7, Loopback.greeting(client));
                Loopback.writeFully(client, blob);
                assertArrayEquals(blob, Loopback.readExactly(client, blob.length));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.relay.core.testing.TestTransports#available")
    void aToxicityOfZeroLeavesEveryConnectionAlone(TransportKind transport) throws Exception {
        try (PlainServer upstream = echo(); TestRelay relay = relay(transport, upstream)) {
            toxics(relay).add(new Toxic("never", ToxicType.TIMEOUT, Direction.UPSTREAM, 0.0, Map.of()));
            for (int i = 0; i < 5; i++) {
                try (SocketChannel client = Loopback.connect(relay.address())) {
                    assertEquals(7, Loopback.greeting(client));
                    Loopback.writeFully(client, new byte[] {9});
                    assertArrayEquals(new byte[] {9}, Loopback.readExactly(client, 1), "the timeout never applies");
                }
            }
        }
    }
}
