package dev.relay.core.proxy;

import dev.relay.core.config.Acl;
import dev.relay.core.config.Cidr;
import dev.relay.core.config.Endpoint;
import dev.relay.core.config.ProxyProtocolConfig;
import dev.relay.core.config.RouteConfig;
import dev.relay.core.config.SendProxy;
import dev.relay.core.metrics.RelayCounter;
import dev.relay.core.testing.Loopback;
import dev.relay.core.testing.PlainServer;
import dev.relay.core.testing.TestRelay;
import dev.relay.core.config.TransportKind;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.codec.haproxy.HAProxyMessageEncoder;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The PROXY protocol on real loopback sockets: accepted from trusted peers, refused otherwise, sent upstream. */
class ProxyProtocolTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final byte[] HELLO = "hello".getBytes(StandardCharsets.US_ASCII);
    private static final ProxyProtocolConfig ACCEPT = new ProxyProtocolConfig(true, List.of(), Duration.ofSeconds(3));

    private static PlainServer identity() throws IOException {
        return Loopback.identityServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 7);
    }

    private static TestRelay relay(TransportKind transport, PlainServer upstream, UnaryOperator<RouteConfig.Builder> tweak) {
        return TestRelay.start(transport, tweak.apply(RouteConfig.builder("r").listen(Endpoint.parse("127.0.0.1:0"))
                .upstream(Loopback.endpoint(upstream.address()))).build());
    }

    /** A v2 header, encoded by Netty's own encoder. */
    static byte[] v2(HAProxyProxiedProtocol protocol, String source, String destination, int sourcePort, int destinationPort) {
        EmbeddedChannel encoder = new EmbeddedChannel(HAProxyMessageEncoder.INSTANCE);
        encoder.writeOutbound(new HAProxyMessage(HAProxyProtocolVersion.V2, HAProxyCommand.PROXY, protocol,
                source, destination, sourcePort, destinationPort));
        ByteBuf encoded = encoder.readOutbound();
        byte[] bytes = new byte[encoded.readableBytes()];
        encoded.readBytes(bytes);
        encoded.release();
        encoder.finishAndReleaseAll();
        return bytes;
    }

    private static boolean turnedAway(SocketChannel client) {
        try {
            return Loopback.greeting(client) == -1;
        } catch (IOException reset) {
            return true;
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.relay.core.testing.TestTransports#available")
    void aV1HeadersClientIsTheClientAndTheBytesAfterItArriveWhole(TransportKind transport) throws Exception {
        try (PlainServer upstream = identity();
             TestRelay relay = relay(transport, upstream, r -> r.proxyProtocol(ACCEPT));
             SocketChannel client = Loopback.connect(relay.address())) {
            // Header and data in one write: the bytes after the header must reach the upstream too.
            Loopback.writeFully(client, ("PROXY TCP4 127.0.0.9 127.0.0.1 5555 80\r\n" + "hello")
                    .getBytes(StandardCharsets.US_ASCII));
            assertEquals(7, Loopback.greeting(client));
            assertArrayEquals(HELLO, Loopback.readExactly(client, HELLO.length));
            client.close();
            ConnectionSummary summary = relay.awaitClosed(1, WAIT);
            assertEquals(new InetSocketAddress(InetAddress.getByName("127.0.0.9"), 5555), summary.client());
            assertEquals(HELLO.length, summary.bytesUpstream(), "the header is not relayed");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.relay.core.testing.TestTransports#available")
    void aV2HeaderInPiecesIsReadWhole(TransportKind transport) throws Exception {
        byte[] header = v2(HAProxyProxiedProtocol.TCP6, "::1", "::1", 4444, 443);
        try (PlainServer upstream = identity();
             TestRelay relay = relay(transport, upstream, r -> r.proxyProtocol(ACCEPT));
             SocketChannel client = Loopback.connect(relay.address())) {
            Loopback.writeFully(client, java.util.Arrays.copyOfRange(header, 0, 10));
            Loopback.writeFully(client, java.util.Arrays.copyOfRange(header, 10, header.length));
            Loopback.writeFully(client, HELLO);
            assertEquals(7, Loopback.greeting(client));
            assertArrayEquals(HELLO, Loopback.readExactly(client, HELLO.length));
            client.close();
            assertEquals(new InetSocketAddress(InetAddress.getByName("::1"), 4444), relay.awaitClosed(1, WAIT).client());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.relay.core.testing.TestTransports#available")
    void theAclJudgesTheHeadersAddressNotThePeers(TransportKind transport) throws Exception {
        try (PlainServer upstream = identity();
             TestRelay relay = relay(transport, upstream, r -> r.proxyProtocol(ACCEPT)
                     .acl(new Acl(List.of(), List.of(Cidr.parse("127.0.0.9"))))) ) {
            try (SocketChannel denied = Loopback.connect(relay.address())) {
                Loopback.writeFully(denied, "PROXY TCP4 127.0.0.9 127.0.0.1 5555 80\r\n".getBytes(StandardCharsets.US_ASCII));
                assertTrue(turnedAway(denied));
            }
            try (SocketChannel served = Loopback.connect(relay.address())) {
                Loopback.writeFully(served, "PROXY TCP4 127.0.0.8 127.0.0.1 5555 80\r\n".getBytes(StandardCharsets.US_ASCII));
                assertEquals(7, Loopback.greeting(served));
            }
            assertEquals(1, relay.server().counters().get(RelayCounter.CONNECTIONS_REJECTED_ACL));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.relay.core.testing.TestTransports#available")
    void anUntrustedPeerOrALateHeaderIsClosed(TransportKind transport) throws Exception {
        ProxyProtocolConfig onlyV6 = new ProxyProtocolConfig(true, List.of(Cidr.parse("::1/128")), Duration.ofSeconds(3));
        try (PlainServer upstream = identity();
             TestRelay relay = relay(transport, upstream, r -> r.proxyProtocol(onlyV6));
             SocketChannel client = Loopback.connect(relay.address())) {
            Loopback.writeFully(client, "PROXY TCP4 127.0.0.9 127.0.0.1 5555 80\r\n".getBytes(StandardCharsets.US_ASCII));
            assertTrue(turnedAway(client), "127.0.0.1 is not trusted");
            assertEquals(0, upstream.acceptedCount());
        }
        ProxyProtocolConfig quick = new ProxyProtocolConfig(true, List.of(), Duration.ofMillis(300));
        try (PlainServer upstream = identity();
             TestRelay relay = relay(transport, upstream, r -> r.proxyProtocol(quick));
             SocketChannel client = Loopback.connect(relay.address())) {
            Loopback.writeFully(client, "PROXY TCP4 127.0.0.9".getBytes(StandardCharsets.US_ASCII));
            assertTrue(turnedAway(client), "closed once the timeout ran out");
            assertEquals(1, relay.server().counters().get(RelayCounter.CONNECTIONS_REJECTED_PROXY));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.relay.core.testing.TestTransports#available")
    void withoutAcceptAHeaderIsJustBytes(TransportKind transport) throws Exception {
        byte[] header = "PROXY TCP4 127.0.0.9 127.0.0.1 5555 80\r\n".getBytes(StandardCharsets.US_ASCII);
        try (PlainServer upstream = identity();
             TestRelay relay = relay(transport, upstream, r -> r);
             SocketChannel client = Loopback.connect(relay.address())) {
            Loopback.writeFully(client, header);
            assertEquals(7, Loopback.greeting(client));
            assertArrayEquals(header, Loopback.readExactly(client, header.length), "echoed as any bytes");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.relay.core.testing.TestTransports#available")
    void sendProxyTellsTheUpstreamWhoTheClientIs(TransportKind transport) throws Exception {
        for (SendProxy version : List.of(SendProxy.V1, SendProxy.V2)) {
            CompletableFuture<HAProxyMessage> received = new CompletableFuture<>();
            try (PlainServer upstream = PlainServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                         channel -> received.complete(readHeader(channel)));
                 TestRelay relay = relay(transport, upstream, r -> r.sendProxy(version));
                 SocketChannel client = Loopback.connect(relay.address())) {
                HAProxyMessage header = received.get(10, TimeUnit.SECONDS);
                try {
                    InetSocketAddress local = (InetSocketAddress) client.getLocalAddress();
                    InetSocketAddress relayAddress = (InetSocketAddress) relay.address();
                    assertEquals(version == SendProxy.V1 ? HAProxyProtocolVersion.V1 : HAProxyProtocolVersion.V2,
                            header.protocolVersion());
                    assertEquals(HAProxyProxiedProtocol.TCP4, header.proxiedProtocol());
                    assertEquals("127.0.0.1", header.sourceAddress());
                    assertEquals(local.getPort(), header.sourcePort(), "the client's own port");
                    assertEquals(relayAddress.getPort(), header.destinationPort(), "what the client connected to");
                } finally {
                    header.release();
                }
            }
        }
    }

    /** Reads what the upstream receives first and decodes it with Netty's decoder. */
    private static HAProxyMessage readHeader(SocketChannel channel) throws IOException {
        EmbeddedChannel decoder = new EmbeddedChannel(new HAProxyMessageDecoder());
        ByteBuffer buffer = ByteBuffer.allocate(512);
        for (int reads = 0; reads < 100; reads++) {
            buffer.clear();
            if (channel.read(buffer) < 0) {
                break;
            }
            buffer.flip();
            decoder.writeInbound(io.netty.buffer.Unpooled.copiedBuffer(buffer));
            HAProxyMessage message = decoder.readInbound();
            if (message != null) {
                decoder.finishAndReleaseAll();
                return message;
            }
        }
        decoder.finishAndReleaseAll();
        throw new IOException("no PROXY header arrived");
    }
}
