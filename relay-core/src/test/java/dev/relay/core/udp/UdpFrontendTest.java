package dev.relay.core.udp;

import dev.relay.core.config.Endpoint;
import dev.relay.core.config.Protocol;
import dev.relay.core.config.ProxyProtocolConfig;
import dev.relay.core.config.RouteConfig;
import dev.relay.core.config.RouteLimits;
import dev.relay.core.config.SendProxy;
import dev.relay.core.config.UdpOptions;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The listener's handler with embedded channels: sessions by sender, limits and drops, and who owns each buffer. */
class UdpFrontendTest {

    private static final InetSocketAddress ALICE = new InetSocketAddress("127.0.0.1", 40001);
    private static final InetSocketAddress BOB = new InetSocketAddress("127.0.0.1", 40002);
    private static final InetSocketAddress LISTENER = new InetSocketAddress("127.0.0.1", 5353);

    private final List<EmbeddedChannel> upstreams = new ArrayList<>();
    private EmbeddedChannel listener;
    private UdpCounters counters;

    @AfterEach
    void closeAll() {
        if (listener != null) {
            listener.finishAndReleaseAll();
        }
        upstreams.forEach(EmbeddedChannel::finishAndReleaseAll);
    }

    private void start(UnaryOperator<RouteConfig.Builder> tune) {
        RouteConfig config = tune.apply(RouteConfig.builder("udp").protocol(Protocol.UDP)
                .listen(new Endpoint.Inet("127.0.0.1", 5353)).upstream(new Endpoint.Inet("127.0.0.1", 53))).build();
        UdpRoute route = new UdpRoute(config, session -> { });
        counters = route.counters();
        listener = new EmbeddedChannel(new UdpFrontend(route, (session, upstream) -> {
            EmbeddedChannel socket = new EmbeddedChannel(new UdpBackend(session));
            upstreams.add(socket);
            return socket.newSucceededFuture();
        }, new AtomicLong()));
    }

    private static DatagramPacket from(InetSocketAddress sender, String text) {
        return new DatagramPacket(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8), LISTENER, sender);
    }

    private static String text(ByteBuf buf) {
        try {
            return buf.toString(StandardCharsets.UTF_8);
        } finally {
            buf.release();
        }
    }

    @Test
    void eachSenderGetsItsOwnUpstreamSocketAndItsOwnReplies() {
        start(UnaryOperator.identity());
        listener.writeInbound(from(ALICE, "a1"), from(BOB, "b1"), from(ALICE, "a2"));
        assertEquals(2, upstreams.size(), "one upstream socket per client address");
        assertEquals("a1", text(upstreams.get(0).readOutbound()));
        assertEquals("a2", text(upstreams.get(0).readOutbound()));
        assertEquals("b1", text(upstreams.get(1).readOutbound()));

        upstreams.get(1).writeInbound(new DatagramPacket(Unpooled.copiedBuffer("to bob", StandardCharsets.UTF_8),
                BOB, new InetSocketAddress("127.0.0.1", 53)));
        DatagramPacket reply = listener.readOutbound();
        assertEquals(BOB, reply.recipient());
        assertEquals("to bob", text(reply.content()));
        assertEquals(3, counters.datagramsUp());
        assertEquals(1, counters.datagramsDown());
    }

    @Test
    void anOversizeDatagramIsDroppedAndReleased() {
        start(r -> r.udp(UdpOptions.DEFAULT.withMaxDatagramSize(3)));
        DatagramPacket big = from(ALICE, "four");
        listener.writeInbound(big);
        assertEquals(0, big.refCnt(), "released");
        assertTrue(upstreams.isEmpty(), "no session for a dropped datagram");
        assertEquals(1, counters.dropped(UdpDrop.OVERSIZE));
    }

    @Test
    void aSenderPastMaxSessionsIsDroppedWhileTheOthersGoOn() {
        start(r -> r.limits(new RouteLimits(1, 0)));
        listener.writeInbound(from(ALICE, "in"));
        DatagramPacket over = from(BOB, "over");
        listener.writeInbound(over, from(ALICE, "still"));
        assertEquals(0, over.refCnt());
        assertEquals(1, counters.dropped(UdpDrop.LIMIT));
        assertEquals("in", text(upstreams.get(0).readOutbound()));
        assertEquals("still", text(upstreams.get(0).readOutbound()));
    }

    @Test
    void aReplyLimitEndsTheSessionAndClosesItsSocket() {
        start(r -> r.udp(UdpOptions.DEFAULT.withResponses(1)));
        listener.writeInbound(from(ALICE, "query"));
        text(upstreams.get(0).readOutbound());
        upstreams.get(0).writeInbound(new DatagramPacket(Unpooled.copiedBuffer("answer", StandardCharsets.UTF_8),
                ALICE, new InetSocketAddress("127.0.0.1", 53)));
        text(((DatagramPacket) listener.readOutbound()).content());
        assertFalse(upstreams.get(0).isOpen(), "the session's socket is closed");
        assertEquals(0, counters.sessionsOpen());
        assertNull(listener.readOutbound(), "nothing more for the client");
        listener.writeInbound(from(ALICE, "next query"));
        assertEquals(2, upstreams.size(), "the client's next datagram opens a new session");
        assertEquals("next query", text(upstreams.get(1).readOutbound()));
    }

    @Test
    void withProxyHeadersEachNamedClientHasItsSessionAndRepliesGoToTheSender() {
        start(r -> r.proxyProtocol(new ProxyProtocolConfig(true, List.of(), ProxyProtocolConfig.DEFAULT_TIMEOUT)));
        InetSocketAddress carol = new InetSocketAddress("127.0.0.1", 4242);
        InetSocketAddress dave = new InetSocketAddress("127.0.0.1", 4243);
        for (InetSocketAddress named : new InetSocketAddress[]{carol, dave, carol}) {
            ByteBuf datagram = ProxyV2Datagrams.prepend(ByteBufAllocator.DEFAULT, named, LISTENER,
                    Unpooled.copiedBuffer("from " + named.getPort(), StandardCharsets.UTF_8));
            listener.writeInbound(new DatagramPacket(datagram, LISTENER, ALICE));
        }
        assertEquals(2, upstreams.size(), "a session per client the headers name, though one peer sent them all");
        assertEquals("from 4242", text(upstreams.get(0).readOutbound()), "the header is not relayed");
        upstreams.get(1).writeInbound(new DatagramPacket(Unpooled.copiedBuffer("to dave", StandardCharsets.UTF_8),
                ALICE, new InetSocketAddress("127.0.0.1", 53)));
        DatagramPacket reply = listener.readOutbound();
        assertEquals(ALICE, reply.recipient(), "replies go back to the peer that sent the datagrams");
        text(reply.content());

        DatagramPacket bare = from(BOB, "no header");
        listener.writeInbound(bare);
        assertEquals(0, bare.refCnt());
        assertEquals(1, counters.dropped(UdpDrop.BAD_PROXY_HEADER));
        assertEquals(2, upstreams.size());
    }

    @Test
    void sendingProxyHeadersPutsOneAtTheStartOfEveryDatagram() {
        start(r -> r.sendProxy(SendProxy.V2));
        listener.writeInbound(from(ALICE, "one"), from(ALICE, "two"));
        for (String expected : new String[]{"one", "two"}) {
            ByteBuf datagram = upstreams.get(0).readOutbound();
            try {
                assertEquals(ALICE, ProxyV2Datagrams.readSource(datagram, BOB));
                assertEquals(expected, datagram.toString(StandardCharsets.UTF_8));
            } finally {
                datagram.release();
            }
        }
    }
}
