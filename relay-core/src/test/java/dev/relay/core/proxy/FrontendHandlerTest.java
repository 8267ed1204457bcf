package dev.relay.core.proxy;

import dev.relay.core.base.Direction;
import dev.relay.core.config.Endpoint;
import dev.relay.core.config.RouteConfig;
import dev.relay.core.config.TransportKind;
import dev.relay.core.metrics.RelayCounter;
import dev.relay.core.metrics.RouteMetrics;
import dev.relay.core.transport.Transports;
import dev.relay.core.upstream.Upstream;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.resolver.DefaultAddressResolverGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The frontend between accept and relay, with the dialer replaced by one that hands out EmbeddedChannels and lets
 * the test decide how each connect ends: a failed connect is retried on the next upstream, a client that leaves
 * during the dial takes the new upstream socket with it, and the splice hand-over falls back to the ByteBuf path
 * with what the client sent meanwhile going first.
 */
class FrontendHandlerTest {

    private final List<EmbeddedChannel> channels = new ArrayList<>();

    /** An upstream dialer whose connects end when the test says so. */
    private final class ScriptedDialer implements UpstreamDialer {
        final List<Upstream> dialed = new ArrayList<>();
        final List<ChannelPromise> connects = new ArrayList<>();
        boolean splice;

        @Override
        public boolean maySplice(Channel client, RouteContext.State state, Upstream upstream) {
            return splice;
        }

        @Override
        public ChannelFuture dial(Channel client, RouteContext.State state, Upstream upstream,
                                  RelayConnection connection, boolean splice, long budgetMillis) {
            EmbeddedChannel channel = open();
            channel.pipeline().addLast(splice ? PipelineNames.HELD : PipelineNames.RELAY, splice
                    ? new HeldInput(Direction.DOWNSTREAM, connection)
                    : new RelayHandler(client, Direction.DOWNSTREAM, connection));
            dialed.add(upstream);
            ChannelPromise connect = channel.newPromise();
            connects.add(connect);
            return connect;
        }

        EmbeddedChannel upstream(int attempt) {
            return (EmbeddedChannel) connects.get(attempt).channel();
        }

        void refuse(int attempt) {
            // As a real connect: the socket closes before the connect's listeners hear of the failure.
            upstream(attempt).close();
            connects.get(attempt).setFailure(new ConnectException("Connection refused"));
        }

        void accept(int attempt) {
            connects.get(attempt).setSuccess();
        }
    }

    private EmbeddedChannel open() {
        EmbeddedChannel channel = new EmbeddedChannel();
        channels.add(channel);
        return channel;
    }

    @AfterEach
    void closeChannels() {
        channels.forEach(EmbeddedChannel::finishAndReleaseAll);
    }

    private static RouteContext route(int retries) {
        RouteConfig config = RouteConfig.builder("test").listen(Endpoint.parse("127.0.0.1:0"))
                .upstream(Endpoint.parse("127.0.0.1:9")).upstream(Endpoint.parse("127.0.0.1:10"))
                .connectRetries(retries).build();
        return new RouteContext(config, Transports.select(TransportKind.NIO), DefaultAddressResolverGroup.INSTANCE,
                new ConnectionRegistry(), new AtomicLong(), RouteMetrics.NONE, summary -> { }, false);
    }

    private EmbeddedChannel client(RouteContext route, UpstreamDialer dialer) {
        EmbeddedChannel client = new EmbeddedChannel(new FrontendHandler(route, route.state(), dialer));
        channels.add(client);
        return client;
    }

    private static ByteBuf text(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
    }

    private static String readText(EmbeddedChannel channel) {
        StringBuilder all = new StringBuilder();
        for (ByteBuf buf; (buf = channel.readOutbound()) != null; ) {
            all.append(buf.toString(StandardCharsets.US_ASCII));
            buf.release();
        }
        return all.toString();
    }

    @Test
    void aRefusedConnectIsRetriedOnTheNextUpstreamAndTheHeldBytesGoThere() {
        RouteContext route = route(1);
        ScriptedDialer dialer = new ScriptedDialer();
        EmbeddedChannel client = client(route, dialer);
        client.writeInbound(text("hello"));

        dialer.refuse(0);
        assertEquals(2, dialer.dialed.size(), "a second upstream was dialed");
        assertFalse(dialer.dialed.get(0).equals(dialer.dialed.get(1)), "not the one that refused");
        assertTrue(client.isActive(), "the client waits for the retry");
        dialer.accept(1);

        assertEquals("hello", readText(dialer.upstream(1)), "what the client sent during the dial, in order");
        assertEquals(1, route.counters().get(RelayCounter.CONNECT_RETRIES));
        assertNull(client.pipeline().get(FrontendHandler.class), "the frontend leaves once the pair relays");
        dialer.upstream(1).writeInbound(text("world"));
        assertEquals("world", readText(client));
    }

    @Test
    void withoutRetriesARefusedConnectClosesTheClient() {
        RouteContext route = route(0);
        ScriptedDialer dialer = new ScriptedDialer();
        EmbeddedChannel client = client(route, dialer);

        dialer.refuse(0);

        assertEquals(1, dialer.dialed.size());
        assertFalse(client.isOpen(), "the client is closed: no upstream took it");
        assertEquals(1, route.counters().get(RelayCounter.CONNECTIONS_FAILED));
    }

    @Test
    void aClientThatLeavesDuringTheDialTakesTheNewUpstreamSocketWithIt() {
        RouteContext route = route(0);
        ScriptedDialer dialer = new ScriptedDialer();
        EmbeddedChannel client = client(route, dialer);

        client.close();
        dialer.accept(0);

        assertFalse(dialer.upstream(0).isOpen(), "the upstream socket connected for nobody is closed");
        assertEquals(0, route.openConnections());
    }

    @Test
    void aSpliceHandOverThatFindsBytesPendingFallsBackToByteBufsWithTheHeldBytesFirst() {
        RouteContext route = route(0);
        ScriptedDialer dialer = new ScriptedDialer();
        dialer.splice = true;
        EmbeddedChannel client = client(route, dialer);
        client.writeInbound(text("early"));
        // The upstream socket still has bytes to write (a PROXY header, say): splicing now would overtake them.
        dialer.upstream(0).write(text("header|"));

        dialer.accept(0);

        assertTrue(client.pipeline().get(PipelineNames.RELAY) instanceof RelayHandler, "the client relays ByteBufs");
        assertTrue(dialer.upstream(0).pipeline().get(PipelineNames.RELAY) instanceof RelayHandler);
        dialer.upstream(0).flush();
        assertEquals("header|early", readText(dialer.upstream(0)), "the pending bytes, then the held ones");
        client.writeInbound(text(" later"));
        assertEquals(" later", readText(dialer.upstream(0)));
    }
}
