package dev.relay.junit;

import dev.relay.core.config.Endpoint;
import dev.relay.core.base.Direction;
import dev.relay.core.tools.EchoConfig;
import dev.relay.core.tools.EchoServer;
import dev.relay.core.config.Toxic;
import dev.relay.core.config.ToxicType;
import dev.relay.core.config.TransportKind;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A client talks to relay's echo server through the extension's relay; toxics show, and go between tests. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RelayExtensionTest {

    private static final EchoServer ECHO = EchoServer.start(
            new EchoConfig(Endpoint.parse("127.0.0.1:0"), null, TransportKind.NIO));

    @RegisterExtension
    static final RelayExtension relay = RelayExtension.withRoute("echo",
            "127.0.0.1:" + ((InetSocketAddress) ECHO.localAddress()).getPort());

    @AfterAll
    static void stopEcho() {
        ECHO.close();
    }

    private static long roundTripMillis(SocketChannel channel) throws IOException {
        long started = System.nanoTime();
        channel.write(ByteBuffer.wrap(new byte[] {42}));
        ByteBuffer answer = ByteBuffer.allocate(1);
        while (answer.hasRemaining()) {
            if (channel.read(answer) < 0) {
                throw new IOException("closed");
            }
        }
        assertEquals(42, answer.get(0));
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    }

    @Test
    @Order(1)
    void latencyShowsInRoundTrips() throws Exception {
        relay.toxic("echo", Toxic.of(ToxicType.LATENCY, Direction.DOWNSTREAM, Map.of("latency", 120L)));
        try (SocketChannel client = SocketChannel.open(relay.address("echo"))) {
            assertTrue(roundTripMillis(client) >= 120);
        }
    }

    @Test
    @Order(2)
    void theNextTestStartsWithoutToxics() {
        assertTrue(relay.toxics("echo").isEmpty(), "reset after the previous test");
    }

    @Test
    @Order(3)
    void resetPeerIsAConnectionReset() throws Exception {
        relay.toxic("echo", Toxic.of(ToxicType.RESET_PEER, Direction.DOWNSTREAM, Map.of("timeout", 0L)));
        try (SocketChannel client = SocketChannel.open(relay.address("echo"))) {
            IOException e = assertThrows(IOException.class, () -> roundTripMillis(client));
            assertTrue(String.valueOf(e.getMessage()).toLowerCase().contains("reset"), e.toString());
        }
    }

    @Test
    @Order(4)
    void downIsConnectionRefusedAndUpComesBackOnTheSamePort() throws Exception {
        InetSocketAddress address = relay.address("echo");
        relay.down("echo");
        assertEquals(address, relay.address("echo"), "a client can be built while the route is down");
        assertThrows(IllegalStateException.class, () -> relay.toxics("echo"), "a route that is down has no toxics");
        IOException refused = assertThrows(IOException.class, () -> SocketChannel.open(address).close());
        assertTrue(String.valueOf(refused.getMessage()).toLowerCase().contains("refused"), refused.toString());
        relay.up("echo");
        try (SocketChannel client = SocketChannel.open(address)) {
            roundTripMillis(client);
        }
    }

    @Test
    @Order(5)
    void bytesGoThroughIntact() throws Exception {
        byte[] blob = new byte[100_000];
        new java.util.Random(7).nextBytes(blob);
        try (SocketChannel client = SocketChannel.open(relay.address("echo"))) {
            client.write(ByteBuffer.wrap(blob));
            ByteBuffer back = ByteBuffer.allocate(blob.length);
            while (back.hasRemaining() && client.read(back) >= 0) {
                // until every byte is back
            }
            assertArrayEquals(blob, back.array());
        }
    }
}
