package dev.relay.core.proxy;

import dev.relay.core.config.Endpoint;
import dev.relay.core.testing.CapturedLogs;
import dev.relay.core.testing.Family;
import dev.relay.core.testing.Loopback;
import dev.relay.core.testing.PlainServer;
import dev.relay.core.testing.TestRelay;
import dev.relay.core.transport.Transport;
import dev.relay.core.config.TransportKind;
import dev.relay.core.transport.Transports;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** A FIN from either side reaches the other after every byte sent before it, and the other way keeps flowing. */
class RelayHalfCloseTest {

    private static final byte[] REQUEST = "GET /everything HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] REPLY = Loopback.randomBytes(1024 * 1024, 42);

    @TempDir
    Path dir;

    /**
     * Every transport on 127.0.0.1 and ::1; Unix sockets where the transport's Unix channels half-close (epoll:
     * Netty 4.2.18's NIO and io_uring ones close at the first FIN, see {@link Transport#halfClosesUnixSockets}).
     */
    static Stream<Arguments> halfClosingCases() {
        List<Arguments> cases = new ArrayList<>();
        for (TransportKind kind : Transports.available()) {
            for (Family family : Family.values()) {
                boolean halfCloses = family != Family.UNIX || Transports.select(kind).halfClosesUnixSockets();
                if (family.available() && halfCloses) {
                    cases.add(Arguments.of(kind, family));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} over {1}")
    @MethodSource("halfClosingCases")
    void clientFinStillGetsTheWholeReply(TransportKind transport, Family family) throws Exception {
        CompletableFuture<byte[]> requestSeen = new CompletableFuture<>();
        try (PlainServer upstream = PlainServer.start(family.bindAddress(dir), channel -> {
                 // Like an HTTP/1.0 server that answers only once the request is complete.
                 requestSeen.complete(Loopback.readToEnd(channel, 64 * 1024));
                 Loopback.writeFully(channel, REPLY);
             });
             TestRelay relay = TestRelay.start(transport, family.relayListen(dir), Loopback.endpoint(upstream.address()));
             SocketChannel client = Loopback.connect(relay.address())) {

            Loopback.writeFully(client, REQUEST);
            client.shutdownOutput();

            assertArrayEquals(REPLY, Loopback.readToEnd(client, REPLY.length + 1));
            assertArrayEquals(REQUEST, requestSeen.get(10, TimeUnit.SECONDS));
            assertEquals(CloseReason.CLIENT_CLOSED, relay.awaitClosed(1, Duration.ofSeconds(10)).reason());
        }
    }

    @Test
    void autoRelaysAHalfCloseOnUnixSocketsWhereATransportCan() throws Exception {
        CompletableFuture<byte[]> requestSeen = new CompletableFuture<>();
        try (PlainServer upstream = PlainServer.start(Family.UNIX.bindAddress(dir), channel -> {
                 requestSeen.complete(Loopback.readToEnd(channel, 64 * 1024));
                 Loopback.writeFully(channel, REPLY);
             });
             TestRelay relay = TestRelay.start(TransportKind.AUTO, Family.UNIX.relayListen(dir),
                     Loopback.endpoint(upstream.address()));
             SocketChannel client = Loopback.connect(relay.address())) {
            assumeTrue(relay.server().transport().halfClosesUnixSockets(), "no transport here half-closes Unix sockets");

            Loopback.writeFully(client, REQUEST);
            client.shutdownOutput();

            assertArrayEquals(REPLY, Loopback.readToEnd(client, REPLY.length + 1));
            assertArrayEquals(REQUEST, requestSeen.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void aUnixSocketOnATransportThatCannotHalfCloseIsWarnedOf() {
        assumeTrue(Transports.isAvailable(TransportKind.IO_URING), "io_uring does not load here");
        try (TestRelay relay = TestRelay.start(TransportKind.IO_URING, Family.UNIX.relayListen(dir),
                Endpoint.parse("127.0.0.1:7792"))) {
            assertTrue(CapturedLogs.contains("route default: on the io_uring transport a FIN on a Unix socket closes "
                    + "that side, so a reply sent after it is lost; the epoll transport relays it"));
        }
    }

    @ParameterizedTest(name = "{0} over {1}")
    @MethodSource("halfClosingCases")
    void upstreamFinStillTakesTheWholeRequest(TransportKind transport, Family family) throws Exception {
        byte[] greeting = "220 ready, send your data\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] upload = Loopback.randomBytes(1024 * 1024, 7);
        CompletableFuture<byte[]> uploaded = new CompletableFuture<>();
        try (PlainServer upstream = PlainServer.start(family.bindAddress(dir), channel -> {
                 Loopback.writeFully(channel, greeting);
                 channel.shutdownOutput();
                 uploaded.complete(Loopback.readToEnd(channel, upload.length + 1));
             });
             TestRelay relay = TestRelay.start(transport, family.relayListen(dir), Loopback.endpoint(upstream.address()));
             SocketChannel client = Loopback.connect(relay.address())) {

            assertArrayEquals(greeting, Loopback.readToEnd(client, 1024));
            Loopback.writeFully(client, upload);
            client.shutdownOutput();

            assertArrayEquals(upload, uploaded.get(10, TimeUnit.SECONDS));
            assertEquals(CloseReason.UPSTREAM_CLOSED, relay.awaitClosed(1, Duration.ofSeconds(10)).reason());
        }
    }
}
