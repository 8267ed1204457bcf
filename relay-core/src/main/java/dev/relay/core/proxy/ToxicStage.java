package dev.relay.core.proxy;

import dev.relay.core.base.Direction;
import dev.relay.core.toxic.ToxicHandler;
import dev.relay.core.toxic.ToxicSet;
import dev.relay.core.toxic.ToxicTarget;
import io.netty.channel.Channel;
import io.netty.channel.socket.DuplexChannel;

/** Where a toxic stage goes in a relayed pipeline: just before the relay's handler on a direction's source. */
final class ToxicStage {

    private ToxicStage() {
    }

    /** Puts a {@link ToxicHandler} before {@code source}'s relay handler; a no-op when one is there or none relays. */
    static void install(Channel source, ToxicSet toxics, Direction direction, ToxicTarget connection) {
        if (source.pipeline().get(PipelineNames.RELAY) == null || source.pipeline().get(PipelineNames.TOXIC) != null) {
            return;
        }
        source.pipeline().addBefore(PipelineNames.RELAY, PipelineNames.TOXIC,
                new ToxicHandler(toxics, direction, connection));
        if (source instanceof DuplexChannel duplex && duplex.isOutputShutdown()) {
            // Its FIN would close it, and the toxic's held bytes with it: its end is an input shutdown again.
            Channels.halfCloseOnFin(source, true);
        }
    }

    static boolean isIn(Channel channel) {
        return channel.pipeline().get(PipelineNames.TOXIC) != null;
    }
}
