package dev.relay.core.proxy;

import dev.relay.core.base.Direction;

import dev.relay.core.config.Endpoint;
import dev.relay.core.config.RouteConfig;
import dev.relay.core.metrics.RelayCounter;
import dev.relay.core.metrics.RelayCounters;
import dev.relay.core.upstream.Upstream;
import dev.relay.core.upstream.UpstreamPool;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;
import io.netty.buffer.Unpooled;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RelayHandler on two embedded channels: every path either hands a buffer on or releases it. */
class RelayHandlerTest {

    private final RelayCounters counters = new RelayCounters();
    private final List<ConnectionSummary> finished = new ArrayList<>();
    private final List<RelayConnection> clientsClosed = new ArrayList<>();
    private final Upstream dialed = UpstreamPool.create(RouteConfig.builder("test")
            .listen(Endpoint.parse("127.0.0.1:0")).upstream(Endpoint.parse("127.0.0.1:9")).build()).members().get(0);
    private EmbeddedChannel client;
    private EmbeddedChannel upstream;
    private RelayConnection connection;

    @BeforeEach
    void pair() {
        client = new EmbeddedChannel();
        upstream = new EmbeddedChannel();
        connection = new RelayConnection(1, "test", client, null, counters, new ConnectionOwner() {
            @Override
            public void clientClosed(RelayConnection closed) {
                clientsClosed.add(closed);
            }

            @Override
            public void finished(RelayConnection closed, ConnectionSummary summary) {
                finished.add(summary);
            }
        });
        dialed.dialing();
        connection.upstreamDialed(upstream, dialed);
        connection.upstreamConnected();
        client.pipeline().addLast(new RelayHandler(upstream, Direction.UPSTREAM, connection));
        upstream.pipeline().addLast(new RelayHandler(client, Direction.DOWNSTREAM, connection));
    }

    /**
     * Finishes the channel and checks that nothing but the empty buffers that flush a close is left in it; those
     * are released here.
     */
    private static void assertNothingLeft(EmbeddedChannel channel) {
        channel.finish();
        assertNull(channel.readInbound());
        for (Object msg; (msg = channel.readOutbound()) != null; ) {
            ByteBuf buf = (ByteBuf) msg;
            assertEquals(0, buf.readableBytes(), "unexpected bytes left: " + buf);
            buf.release();
        }
    }

    private static ByteBuf text(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
    }

    @Test
    void bytesGoToThePeerAndAreCounted() {
        client.writeInbound(text("hello"));
        ByteBuf relayed = upstream.readOutbound();
        assertEquals("hello", relayed.toString(StandardCharsets.US_ASCII));
        relayed.release();

        upstream.writeInbound(text("hi!"));
        ByteBuf back = client.readOutbound();
        assertEquals("hi!", back.toString(StandardCharsets.US_ASCII));
        back.release();

        assertEquals(5, counters.get(RelayCounter.BYTES_UPSTREAM));
        assertEquals(3, counters.get(RelayCounter.BYTES_DOWNSTREAM));
        assertNothingLeft(client);
        assertNothingLeft(upstream);
    }

    @Test
    void aBufferForAPeerThatIsGoneIsReleased() {
        EmbeddedChannel gone = new EmbeddedChannel();
        gone.close();
        EmbeddedChannel source = new EmbeddedChannel(new RelayHandler(gone, Direction.UPSTREAM, connection));
        ByteBuf buf = text("lost");
        source.writeInbound(buf);
        assertEquals(0, buf.refCnt());
        assertNothingLeft(source);
    }

    @Test
    void aBufferReadWhileClosingIsReleased() {
        EmbeddedChannel peer = new EmbeddedChannel();
        EmbeddedChannel source = new EmbeddedChannel(new RelayHandler(peer, Direction.UPSTREAM, connection));
        connection.close(CloseReason.SHUTDOWN);
        ByteBuf buf = text("late");
        source.writeInbound(buf);
        assertEquals(0, buf.refCnt());
        assertNull(peer.readOutbound());
        assertNothingLeft(source);
        assertNothingLeft(peer);
    }

    @Test
    void aMessageThatIsNotBytesIsReleased() {
        DefaultByteBufHolder holder = new DefaultByteBufHolder(text("not a stream"));
        client.writeInbound(holder);
        assertEquals(0, holder.refCnt());
        assertNull(upstream.readOutbound());
        assertNothingLeft(client);
        assertNothingLeft(upstream);
    }

    @Test
    void aFullPeerPausesReadingUntilItDrains() {
        upstream.config().setWriteBufferWaterMark(new WriteBufferWaterMark(8, 16));
        client.pipeline().fireChannelRead(Unpooled.wrappedBuffer(new byte[32]));

        assertFalse(client.config().isAutoRead(), "paused while the upstream holds 32 > 16 bytes");
        assertEquals(1, counters.get(RelayCounter.BACKPRESSURE_PAUSES));

        client.pipeline().fireChannelReadComplete(); // flushes the upstream, which drains under the low mark
        assertTrue(client.config().isAutoRead(), "reading again once the upstream drained");
        assertEquals(1, counters.get(RelayCounter.BACKPRESSURE_RESUMES));
        ((ByteBuf) upstream.readOutbound()).release();
        assertNothingLeft(client);
        assertNothingLeft(upstream);
    }

    @Test
    void aFinIsRelayedAfterTheBytesBeforeIt() {
        client.pipeline().fireChannelRead(text("last words"));
        client.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);

        ByteBuf relayed = upstream.readOutbound();
        assertEquals("last words", relayed.toString(StandardCharsets.US_ASCII));
        relayed.release();
        // An embedded channel cannot half-close, so the FIN closes it: after the bytes, never before.
        assertFalse(upstream.isOpen());
        assertNothingLeft(upstream);
        assertNothingLeft(client);
    }

    @Test
    void anIoErrorIsRelayedAsAReset() {
        client.pipeline().fireExceptionCaught(new IOException("Connection reset by peer"));
        assertFalse(client.isOpen());
        assertFalse(upstream.isOpen());
        assertEquals(1, finished.size());
        assertEquals(CloseReason.RESET, finished.get(0).reason());
        assertEquals("client: Connection reset by peer", finished.get(0).detail());
        assertNothingLeft(client);
        assertNothingLeft(upstream);
    }

    @Test
    void anUnexpectedErrorClosesBothSides() {
        upstream.pipeline().fireExceptionCaught(new IllegalStateException("bug"));
        assertEquals(CloseReason.ERROR, finished.get(0).reason());
        assertEquals("upstream: bug", finished.get(0).detail());
        assertNothingLeft(client);
        assertNothingLeft(upstream);
    }

    @Test
    void theIdleTimerClosesBothSidesOnlyAfterATimeoutWithoutABytePassing() {
        new IdleTimer(connection, client.eventLoop(), TimeUnit.MILLISECONDS.toNanos(300));
        client.advanceTimeBy(200, TimeUnit.MILLISECONDS);
        client.writeInbound(text("still here"));
        ((ByteBuf) upstream.readOutbound()).release();
        client.advanceTimeBy(200, TimeUnit.MILLISECONDS);
        client.runScheduledPendingTasks();
        assertTrue(finished.isEmpty(), "a byte moved 200 ms ago: not idle yet");

        client.advanceTimeBy(100, TimeUnit.MILLISECONDS);
        client.runScheduledPendingTasks();
        assertEquals(CloseReason.IDLE_TIMEOUT, finished.get(0).reason());
        assertEquals(0, counters.get(RelayCounter.CONNECTIONS_ACTIVE));
        assertNothingLeft(client);
        assertNothingLeft(upstream);
    }

    @Test
    void closingBothSidesTellsTheRouteOnceAndGivesTheUpstreamsCountBack() {
        assertEquals(1, dialed.activeConnections());
        client.close();
        upstream.close();
        assertEquals(List.of(connection), clientsClosed, "the route hears once that the client left");
        assertEquals(1, finished.size());
        assertEquals(0, dialed.activeConnections(), "the upstream's count is given back when its socket closes");
        assertNothingLeft(client);
        assertNothingLeft(upstream);
    }

    @Test
    void aRetryGivesTheFailedAttemptsCountBackAtOnceAndOnlyOnce() {
        EmbeddedChannel retry = new EmbeddedChannel();
        dialed.dialing();
        connection.upstreamDialed(retry, dialed);
        assertEquals(1, dialed.activeConnections(), "the replaced attempt gave its count back");
        upstream.close();
        assertEquals(1, dialed.activeConnections(), "the replaced attempt's socket closing gives nothing back twice");
        retry.close();
        assertEquals(0, dialed.activeConnections());
        retry.finishAndReleaseAll();
    }
}
