package dev.relay.core.proxy;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.handler.timeout.IdleStateHandler;

import java.util.concurrent.TimeUnit;

/** Builds an accepted client's pipeline: the idle timer (when enabled), then the {@link FrontendHandler}. */
public final class RelayChannelInitializer extends ChannelInitializer<Channel> {

    private final RouteContext route;

    public RelayChannelInitializer(RouteContext route) {
        this.route = route;
    }

    /** The client side's flow-control options, the same as the upstream side's. */
    public static void applyFlowControl(ServerBootstrap bootstrap) {
        bootstrap.childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, FlowControl.waterMark())
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, FlowControl.readAllocator());
    }

    @Override
    protected void initChannel(Channel client) {
        long idleMillis = route.config().idleTimeout().toMillis();
        if (idleMillis > 0) {
            // All-idle on the client side covers both directions: reads are client->upstream, writes the reverse.
            client.pipeline().addLast(PipelineNames.IDLE, new IdleStateHandler(0, 0, idleMillis, TimeUnit.MILLISECONDS));
        }
        client.pipeline().addLast(PipelineNames.FRONTEND, new FrontendHandler(route));
    }
}
