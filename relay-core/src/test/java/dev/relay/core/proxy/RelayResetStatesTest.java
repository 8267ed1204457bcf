package dev.relay.core.proxy;

import dev.relay.core.testing.Family;
import dev.relay.core.testing.Loopback;
import dev.relay.core.testing.PlainServer;
import dev.relay.core.testing.TestRelay;
import dev.relay.core.config.TransportKind;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A reset is relayed as a reset whatever the connection is doing when it comes: a truncated stream must never
 * reach the other side as a clean end. Each case runs on every transport (and, on epoll, with and without splice
 * through the suite's second run).
 */
class RelayResetStatesTest {

    /** Enough that the sender is still sending when the reset comes, on any transport and buffer size. */
    private static final long BULK_BYTES = 256L << 20;
    private static final long DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(20);

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.relay.core.testing.TestTransports#available")
    void anUpstreamThatResetsWhileTheClientUploadsResetsTheClient(TransportKind transport) throws Exception {
        CompletableFuture<Void> upstreamReset = new CompletableFuture<>();
        try (PlainServer upstream = PlainServer.start(Family.IPV4.bindAddress(dir), channel -> {
                 Loopback.readExactly(channel, 64 * 1024);
                 Loopback.reset(channel);
                 upstreamReset.complete(null);
             });
             TestRelay relay = TestRelay.start(transport, Family.IPV4.relayListen(dir),
                     Loopback.endpoint(upstream.address()));
             SocketChannel client = Loopback.connect(relay.address())) {

            assertClientSeesAReset(client, true);
            assertTrue(upstreamReset.isDone());
            assertResetFrom(relay, "upstream:");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.relay.core.testing.TestTransports#available")
    void anUpstreamKilledMidDownloadResetsTheClient(TransportKind transport) throws Exception {
        try (PlainServer upstream = PlainServer.start(Family.IPV4.bindAddress(dir), channel -> {
                 Loopback.readExactly(channel, 1);
                 Loopback.writeRandom(channel, 7, 4L << 20);
                 Loopback.reset(channel);
             });
             TestRelay relay = TestRelay.start(transport, Family.IPV4.relayListen(dir),
                     Loopback.endpoint(upstream.address()));
             SocketChannel client = Loopback.connect(relay.address())) {

            Loopback.writeFully(client, new byte[] {1});
            assertClientSeesAReset(client, false);
            assertResetFrom(relay, "upstream:");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.relay.core.testing.TestTransports#available")
    void anUpstreamThatResetsAfterTheClientsFinResetsTheClient(TransportKind transport) throws Exception {
        try (PlainServer upstream = PlainServer.start(Family.IPV4.bindAddress(dir), channel -> {
                 Loopback.readToEnd(channel, 1024);
                 channel.write(ByteBuffer.wrap(new byte[] {2, 3}));
                 Loopback.reset(channel);
             });
             TestRelay relay = TestRelay.start(transport, Family.IPV4.relayListen(dir),
                     Loopback.endpoint(upstream.address()));
             SocketChannel client = Loopback.connect(relay.address())) {

            Loopback.writeFully(client, new byte[] {1});
            client.shutdownOutput();
            assertClientSeesAReset(client, false);
            assertResetFrom(relay, "");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.relay.core.testing.TestTransports#available")
    void aClientThatResetsWhileTheUpstreamSendsResetsTheUpstream(TransportKind transport) throws Exception {
        CompletableFuture<Throwable> upstreamSaw = new CompletableFuture<>();
        try (PlainServer upstream = PlainServer.start(Family.IPV4.bindAddress(dir), channel -> {
                 Loopback.readExactly(channel, 1);
                 try {
                     Loopback.writeRandom(channel, 9, BULK_BYTES);
                     upstreamSaw.complete(null);
                 } catch (IOException e) {
                     upstreamSaw.complete(e);
                 }
             });
             TestRelay relay = TestRelay.start(transport, Family.IPV4.relayListen(dir),
                     Loopback.endpoint(upstream.address()))) {

            SocketChannel client = Loopback.connect(relay.address());
            Loopback.writeFully(client, new byte[] {1});
            Loopback.readExactly(client, 64 * 1024);
            Loopback.reset(client);

            Throwable seen = upstreamSaw.get(20, TimeUnit.SECONDS);
            assertTrue(seen instanceof IOException, "the upstream's writes should fail with a reset, not all succeed");
            assertResetFrom(relay, "client:");
        }
    }

    /** The connection was logged as a reset, whose detail names the side it came from. */
    private static void assertResetFrom(TestRelay relay, String side) {
        ConnectionSummary summary = relay.awaitClosed(1, Duration.ofSeconds(10));
        assertEquals(CloseReason.RESET, summary.reason(), summary.toString());
        assertTrue(summary.detail().startsWith(side), summary.detail());
    }

    /**
     * Reads (and, when {@code upload}, keeps writing) until the connection fails; a clean end of stream fails the
     * test, since it would tell the client that everything was sent.
     */
    private static void assertClientSeesAReset(SocketChannel client, boolean upload) throws IOException {
        client.configureBlocking(false);
        ByteBuffer out = ByteBuffer.allocate(64 * 1024);
        ByteBuffer in = ByteBuffer.allocate(64 * 1024);
        long sent = 0;
        long deadline = System.nanoTime() + DEADLINE_NANOS;
        try (java.nio.channels.Selector selector = java.nio.channels.Selector.open()) {
            client.register(selector, java.nio.channels.SelectionKey.OP_READ
                    | (upload ? java.nio.channels.SelectionKey.OP_WRITE : 0));
            while (System.nanoTime() < deadline) {
                selector.select(100);
                selector.selectedKeys().clear();
                if (upload && sent < BULK_BYTES) {
                    out.clear();
                    sent += client.write(out);
                }
                in.clear();
                if (client.read(in) < 0) {
                    fail("the client read a clean end of stream after " + sent + " bytes sent: a reset became a FIN");
                }
            }
        } catch (IOException e) {
            assertTrue(e.getMessage() != null && (e.getMessage().toLowerCase().contains("reset")
                    || e.getMessage().toLowerCase().contains("broken pipe")), e.toString());
            return;
        }
        fail("the client saw neither a reset nor an end within the deadline");
    }
}
