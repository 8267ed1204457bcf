package dev.relay.core.proxy;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import dev.relay.core.tls.ServerTls;
import io.netty.handler.timeout.IdleStateHandler;

import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Builds an accepted client's pipeline: the PROXY header reader and TLS when the route has them, the idle timer
 * (when enabled), then the {@link FrontendHandler}. The route is looked up per connection, so a reload can hand a
 * listener to another route or config.
 */
public final class RelayChannelInitializer extends ChannelInitializer<Channel> {

    private final Supplier<RouteContext> route;

    public RelayChannelInitializer(Supplier<RouteContext> route) {
        this.route = route;
    }

    /** The client side's flow-control options, the same as the upstream side's. */
    public static void applyFlowControl(ServerBootstrap bootstrap) {
        bootstrap.childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, FlowControl.waterMark())
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, FlowControl.readAllocator());
    }

    @Override
    protected void initChannel(Channel client) {
        RouteContext current = route.get();
        RouteContext.State state = current.state();
        // In wire order: a PROXY header comes before anything else, then TLS, then the relayed stream.
        if (state.config().proxyProtocol().accept()) {
            // The header is read first; the frontend sees the connection become active only once it is whole.
            client.pipeline().addLast(PipelineNames.PROXY_DECODER, new HAProxyMessageDecoder())
                    .addLast(PipelineNames.PROXY_HEADER,
                            new ProxyHeaderHandler(state.config().proxyProtocol(), current::rejectProxyHeader));
        }
        ServerTls tls = current.tls();
        if (tls != null) {
            client.pipeline().addLast(PipelineNames.TLS, tls.newHandler())
                    .addLast(PipelineNames.TLS_GATE, new TlsHandshakeGate());
        }
        long idleMillis = state.config().timeouts().idle().toMillis();
        if (idleMillis > 0) {
            // All-idle on the client side covers both directions: reads are client->upstream, writes the reverse.
            client.pipeline().addLast(PipelineNames.IDLE, new IdleStateHandler(0, 0, idleMillis, TimeUnit.MILLISECONDS));
        }
        client.pipeline().addLast(PipelineNames.FRONTEND, new FrontendHandler(current, state));
    }
}
