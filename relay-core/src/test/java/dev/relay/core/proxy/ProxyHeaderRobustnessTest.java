package dev.relay.core.proxy;

import dev.relay.core.proxyheader.ProxyHeaderHandler;
import dev.relay.core.config.Endpoint;
import dev.relay.core.config.ProxyProtocolConfig;
import dev.relay.core.config.RouteConfig;
import dev.relay.core.metrics.RelayCounter;
import dev.relay.core.testing.Loopback;
import dev.relay.core.testing.PlainServer;
import dev.relay.core.testing.TestRelay;
import dev.relay.core.config.TransportKind;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hostile PROXY headers: hand-written malformed ones over real sockets, and 100,000 random mutations of valid
 * ones through the decoder and header handler. Nothing crashes, nothing leaks (paranoid leak detection), every
 * bad connection is closed.
 */
class ProxyHeaderRobustnessTest {

    private static final Duration TIMEOUT = Duration.ofMillis(500);
    private static final int MUTATIONS = 100_000;
    private static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] v2(int versionCommand, int family, int length, int... rest) {
        byte[] bytes = Arrays.copyOf(V2_SIGNATURE, V2_SIGNATURE.length + 4 + rest.length);
        bytes[12] = (byte) versionCommand;
        bytes[13] = (byte) family;
        bytes[14] = (byte) (length >> 8);
        bytes[15] = (byte) length;
        for (int i = 0; i < rest.length; i++) {
            bytes[16 + i] = (byte) rest[i];
        }
        return bytes;
    }

    static List<byte[]> malformed() {
        List<byte[]> headers = new ArrayList<>(List.of(
                ascii("PROXY\r\n"),
                ascii("PROXY TCP4\r\n"),
                ascii("PROXY TCP5 127.0.0.1 127.0.0.1 1 2\r\n"),
                ascii("PROXY TCP4 127.0.0.300 127.0.0.1 1 2\r\n"),
                ascii("PROXY TCP4 127.0.0.1 127.0.0.1 70000 2\r\n"),
                ascii("PROXY TCP4 127.0.0.1 127.0.0.1 -1 2\r\n"),
                ascii("PROXY TCP4 ::1 127.0.0.1 1 2\r\n"),
                ascii("PROXY TCP6 127.0.0.1 ::1 1 2\r\n"),
                ascii("PROXY TCP4 127.0.0.1 127.0.0.1 1 2 3\r\n"),
                ascii("PROXY TCP4 127.0.0.1 127.0.0.1 1\r\n"),
                ascii("proxy TCP4 127.0.0.1 127.0.0.1 1 2\r\n"),
                ascii("GET / HTTP/1.1\r\nHost: relay\r\n\r\n"),
                ascii("PROXY TCP4 " + "A".repeat(200)),
                ascii("PROXY TCP4 127.0.0.1 127.0.0.1 1 2"),
                v2(0x31, 0x11, 12, 127, 0, 0, 1, 127, 0, 0, 1, 0, 1, 0, 2),
                v2(0x2F, 0x11, 12, 127, 0, 0, 1, 127, 0, 0, 1, 0, 1, 0, 2),
                v2(0x21, 0xFF, 12, 127, 0, 0, 1, 127, 0, 0, 1, 0, 1, 0, 2),
                v2(0x21, 0x11, 4, 127, 0, 0, 1),
                v2(0x21, 0x21, 12, 127, 0, 0, 1, 127, 0, 0, 1, 0, 1, 0, 2),
                v2(0x21, 0x11, 0xFFFF, 127, 0, 0, 1)));
        byte[] badSignature = v2(0x21, 0x11, 12, 127, 0, 0, 1, 127, 0, 0, 1, 0, 1, 0, 2);
        badSignature[7] = 'X';
        headers.add(badSignature);
        return headers;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.relay.core.testing.TestTransports#available")
    void everyMalformedHeaderIsClosedAndNeverReachesAnUpstream(TransportKind transport) throws Exception {
        List<byte[]> headers = malformed();
        try (PlainServer upstream = Loopback.identityServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 7);
             TestRelay relay = TestRelay.start(transport, RouteConfig.builder("r").listen(Endpoint.parse("127.0.0.1:0"))
                     .upstream(Loopback.endpoint(upstream.address()))
                     .proxyProtocol(new ProxyProtocolConfig(true, List.of(), TIMEOUT)).build())) {
            for (byte[] header : headers) {
                try (SocketChannel client = Loopback.connect(relay.address())) {
                    Loopback.writeFully(client, header);
                    assertTrue(ends(client), new String(header, StandardCharsets.ISO_8859_1));
                }
            }
            assertEquals(0, upstream.acceptedCount(), "no bad header reached an upstream");
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    relay.server().counters().get(RelayCounter.CONNECTIONS_REJECTED_PROXY) == headers.size());
            assertEquals(0, relay.server().connections().size());
        }
    }

    private static boolean ends(SocketChannel client) {
        try {
            return client.read(java.nio.ByteBuffer.allocate(64)) == -1;
        } catch (IOException reset) {
            return true;
        }
    }

    @Test
    void randomMutationsOfValidHeadersAreAcceptedOrClosedNeverCrashOrLeak() {
        Random random = new Random(20261125);
        List<byte[]> valid = List.of(
                ascii("PROXY TCP4 127.0.0.9 127.0.0.1 5555 80\r\n"),
                ascii("PROXY TCP6 ::1 ::1 4444 443\r\n"),
                ascii("PROXY UNKNOWN\r\n"),
                ProxyProtocolTest.v2(HAProxyProxiedProtocol.TCP4, "127.0.0.9", "127.0.0.1", 5555, 80),
                ProxyProtocolTest.v2(HAProxyProxiedProtocol.TCP6, "::1", "::1", 4444, 443));
        ProxyProtocolConfig config = new ProxyProtocolConfig(true, List.of(), TIMEOUT);
        int accepted = 0;
        int closed = 0;
        for (int i = 0; i < MUTATIONS; i++) {
            byte[] header = mutate(valid.get(random.nextInt(valid.size())), random);
            Sink sink = new Sink();
            EmbeddedChannel channel = new EmbeddedChannel(new HAProxyMessageDecoder(),
                    new ProxyHeaderHandler(config, (client, why) -> client.close()), sink);
            channel.writeInbound(Unpooled.wrappedBuffer(header), Unpooled.wrappedBuffer(ascii("payload")));
            if (!sink.active && channel.isOpen()) {
                channel.advanceTimeBy(TIMEOUT.toMillis() + 1, TimeUnit.MILLISECONDS);
                channel.runScheduledPendingTasks();
            }
            assertTrue(sink.active || !channel.isOpen(), "accepted or closed: " + Arrays.toString(header));
            if (sink.active) {
                accepted++;
            } else {
                closed++;
            }
            channel.finishAndReleaseAll();
        }
        assertEquals(MUTATIONS, accepted + closed);
        assertTrue(closed > MUTATIONS / 2, "most mutations break the header: " + closed);
        assertTrue(accepted > 0, "some leave it valid (a changed digit of an address): " + accepted);
    }

    /** One to three random byte changes, or a cut, or an inserted byte. */
    private static byte[] mutate(byte[] header, Random random) {
        byte[] bytes = header.clone();
        switch (random.nextInt(4)) {
            case 0 -> {
                return Arrays.copyOf(bytes, random.nextInt(bytes.length));
            }
            case 1 -> {
                byte[] longer = new byte[bytes.length + 1];
                int at = random.nextInt(bytes.length + 1);
                System.arraycopy(bytes, 0, longer, 0, at);
                longer[at] = (byte) random.nextInt(256);
                System.arraycopy(bytes, at, longer, at + 1, bytes.length - at);
                return longer;
            }
            default -> {
                for (int n = 1 + random.nextInt(3); n > 0; n--) {
                    bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
                }
                return bytes;
            }
        }
    }

    /** Stands for the frontend: notes that the connection became active, and drops what it is sent. */
    private static final class Sink extends ChannelInboundHandlerAdapter {
        boolean active;

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            active = true;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
        }
    }
}
