package dev.relay.core.proxy;

import dev.relay.core.toxic.ToxicHandler;
import dev.relay.core.base.Direction;

import dev.relay.core.config.Endpoint;
import dev.relay.core.config.RouteConfig;
import dev.relay.core.metrics.RelayCounters;
import dev.relay.core.config.Toxic;
import dev.relay.core.toxic.ToxicSet;
import dev.relay.core.config.ToxicType;
import dev.relay.core.upstream.Upstream;
import dev.relay.core.upstream.UpstreamPool;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A side's reads have two owners once a toxic sits in front of the relay: the relay (its peer cannot take more)
 * and the toxic (its own queue is full). Each lets reads go on only when the other does not hold them: a peer that
 * drains must not undo a toxic's hold, or a slow toxic would buffer without bound.
 */
class ReadHoldOwnersTest {

    private final Upstream dialed = UpstreamPool.create(RouteConfig.builder("test")
            .listen(Endpoint.parse("127.0.0.1:0")).upstream(Endpoint.parse("127.0.0.1:9")).build()).members().get(0);

    @Test
    void aPeerThatDrainsDoesNotUndoAToxicsHold() {
        EmbeddedChannel client = new EmbeddedChannel();
        EmbeddedChannel upstream = new EmbeddedChannel();
        RelayConnection connection = new RelayConnection(1, "test", client, null, new RelayCounters(),
                new ConnectionOwner() {
                    @Override
                    public void clientClosed(RelayConnection closed) {
                    }

                    @Override
                    public void finished(RelayConnection closed, ConnectionSummary summary) {
                    }
                });
        dialed.dialing();
        connection.upstreamDialed(upstream, dialed);
        connection.upstreamConnected();
        client.pipeline().addLast(PipelineNames.RELAY, new RelayHandler(upstream, Direction.UPSTREAM, connection));
        upstream.pipeline().addLast(PipelineNames.RELAY, new RelayHandler(client, Direction.DOWNSTREAM, connection));
        ToxicSet toxics = new ToxicSet();
        toxics.add(Toxic.of(ToxicType.LATENCY, Direction.UPSTREAM, Map.of("latency", 60_000L)));
        connection.installToxics(toxics);

        // The toxic's queue fills (a minute of latency): it holds the client's reads.
        client.writeInbound(Unpooled.wrappedBuffer(new byte[ToxicHandler.HIGH_WATER + 1]));
        assertFalse(client.config().isAutoRead(), "the toxic holds the client's reads");
        // The relay holds them too (its peer could not take more), then the peer drains.
        connection.pause(Direction.UPSTREAM);
        upstream.pipeline().fireChannelWritabilityChanged();

        assertFalse(client.config().isAutoRead(), "the relay's resume left the toxic's hold in place");
        assertTrue(upstream.isWritable());
        client.finishAndReleaseAll();
        upstream.finishAndReleaseAll();
    }
}
