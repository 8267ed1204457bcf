package dev.relay.core.proxy;

import dev.relay.core.config.Endpoint;
import dev.relay.core.testing.CapturedLogs;
import dev.relay.core.testing.Family;
import dev.relay.core.testing.Loopback;
import dev.relay.core.testing.PlainServer;
import dev.relay.core.testing.TestRelay;
import dev.relay.core.config.TransportKind;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Names resolved per connection, the hex dump, and a stop that drains before it closes. */
class RelayLifecycleTest {

    private static final byte[] HELLO = "hello".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.relay.core.testing.TestTransports#available")
    void hostnamesAreResolvedAndHexdumpLogsTheBytes(TransportKind transport) throws Exception {
        try (PlainServer upstream = PlainServer.start(Family.IPV4.bindAddress(dir), channel -> {
                 Loopback.writeFully(channel, Loopback.readToEnd(channel, 1024));
             });
             TestRelay relay = TestRelay.start(transport, Endpoint.parse("localhost:0"),
                     Endpoint.parse("localhost:" + ((InetSocketAddress) upstream.address()).getPort()),
                     b -> b.hexdump(true));
             SocketChannel client = Loopback.connect(relay.address())) {

            Loopback.writeFully(client, HELLO);
            client.shutdownOutput();
            assertArrayEquals(HELLO, Loopback.readToEnd(client, 1024));
            long id = relay.awaitClosed(1, Duration.ofSeconds(10)).id();
            await().atMost(Duration.ofSeconds(5)).until(() ->
                    CapturedLogs.contains("conn=" + id + " client->upstream 5 bytes", "68 65 6c 6c 6f")
                            && CapturedLogs.contains("conn=" + id + " upstream->client 5 bytes"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.relay.core.testing.TestTransports#available")
    void stopDrainsOpenConnectionsThenClosesTheRest(TransportKind transport) throws Exception {
        CompletableFuture<Void> upstreamEnded = new CompletableFuture<>();
        try (PlainServer upstream = PlainServer.start(Family.IPV4.bindAddress(dir), channel -> {
                 Loopback.readToEnd(channel, 1024);
                 upstreamEnded.complete(null);
             })) {
            TestRelay relay = TestRelay.start(transport, Family.IPV4.relayListen(dir),
                    Loopback.endpoint(upstream.address()), b -> b.drainTimeout(Duration.ofMillis(500)));
            SocketChannel client = Loopback.connect(relay.address());
            Loopback.writeFully(client, HELLO);
            await().atMost(Duration.ofSeconds(5)).until(() -> upstream.acceptedCount() == 1);

            long started = System.nanoTime();
            CompletableFuture<Void> stopping = CompletableFuture.runAsync(relay::close);
            // While it drains, the listener is gone: new clients are refused.
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                    assertThrows(IOException.class, () -> Loopback.connect(relay.address()).close()));
            stopping.get(20, TimeUnit.SECONDS);

            assertTrue(System.nanoTime() - started >= TimeUnit.MILLISECONDS.toNanos(450), "waited for the drain");
            assertEquals(CloseReason.SHUTDOWN, relay.closed().get(0).reason());
            assertEquals(-1, client.read(java.nio.ByteBuffer.allocate(16)), "the client was closed after the drain");
            upstreamEnded.get(5, TimeUnit.SECONDS);
            assertTrue(relay.server().stopped().isDone());
            client.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.relay.core.testing.TestTransports#available")
    void aStopAskedAgainClosesOpenConnectionsWithoutWaitingForTheDrain(TransportKind transport) throws Exception {
        try (PlainServer upstream = PlainServer.start(Family.IPV4.bindAddress(dir), channel -> Loopback.readToEnd(channel, 1024))) {
            TestRelay relay = TestRelay.start(transport, Family.IPV4.relayListen(dir),
                    Loopback.endpoint(upstream.address()), b -> b.drainTimeout(Duration.ofMinutes(10)));
            SocketChannel client = Loopback.connect(relay.address());
            Loopback.writeFully(client, HELLO);
            await().atMost(Duration.ofSeconds(5)).until(() -> upstream.acceptedCount() == 1);
            relay.server().closeOpenConnectionsNow();
            assertEquals(1, relay.server().connections().size(), "before a stop it changes nothing");

            CompletableFuture<Void> stopping = CompletableFuture.runAsync(relay::close);
            await().atMost(Duration.ofSeconds(5)).until(relay.server()::isStopping);
            relay.server().closeOpenConnectionsNow();
            stopping.get(20, TimeUnit.SECONDS);

            assertEquals(CloseReason.SHUTDOWN, relay.closed().get(0).reason());
            assertEquals(-1, client.read(java.nio.ByteBuffer.allocate(16)), "the client was closed");
            assertTrue(relay.server().stopped().isDone());
            client.close();
        }
    }
}
