package dev.relay.core.proxy;

import dev.relay.core.proxyheader.ProxyHeaderHandler;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import dev.relay.core.config.ProxyProtocolConfig;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import dev.relay.core.proxyheader.ClientAddress;
import dev.relay.core.tls.ServerTls;
import dev.relay.core.toxic.HandshakeStall;

import java.util.function.Supplier;

/**
 * Builds an accepted client's pipeline: the PROXY header reader when the address takes one; then, on an address
 * shared by server name, the {@link ServerNameRouter} that picks the route; then the route's stages: TLS when it
 * terminates, and the {@link FrontendHandler} (which starts the idle timer, {@link IdleTimer}). The routes are looked up per connection,
 * so a reload can hand a listener to other routes or settings.
 */
public final class RelayChannelInitializer extends ChannelInitializer<Channel> {

    private final Supplier<ListenerRoutes> routes;

    public RelayChannelInitializer(Supplier<ListenerRoutes> routes) {
        this.routes = routes;
    }

    /**
     * The client side's flow-control options, the same as the upstream side's. AUTO_CLOSE off: a write that fails
     * (the peer reset) must reach {@link RelayHandler#exceptionCaught} as the failure it is, so the other side is
     * reset too; with it on, Netty closes the socket first and the pair would end as if the peer had closed.
     */
    public static void applyFlowControl(ServerBootstrap bootstrap) {
        bootstrap.childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, FlowControl.waterMark())
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, FlowControl.readAllocator())
                .childOption(ChannelOption.AUTO_CLOSE, false);
    }

    @Override
    protected void initChannel(Channel client) {
        ReadBufferGuard.install(client);
        ListenerRoutes current = routes.get();
        RouteContext first = current.first();
        ProxyProtocolConfig proxyProtocol = first.state().config().proxyProtocol();
        // In wire order: a PROXY header comes before anything else, then TLS, then the relayed stream.
        if (proxyProtocol.accept()) {
            // The header is read first; the next stage sees the connection become active only once it is whole.
            // Routes sharing an address read it alike (the config says so), so the first route's settings hold.
            client.pipeline().addLast(PipelineNames.PROXY_DECODER, new HAProxyMessageDecoder())
                    .addLast(PipelineNames.PROXY_HEADER, new ProxyHeaderHandler(proxyProtocol, first::rejectProxyHeader));
        }
        if (current.byServerName()) {
            client.pipeline().addLast(PipelineNames.SERVER_NAME_ROUTER, new ServerNameRouter(current));
        } else {
            addRouteStages(client.pipeline(), first);
        }
    }

    /** The stages one route puts behind whatever chose it: TLS termination, the frontend. */
    static void addRouteStages(ChannelPipeline pipeline, RouteContext route) {
        RouteContext.State state = route.state();
        ServerTls tls = route.tls();
        if (tls != null) {
            HandshakeStall stall = HandshakeStall.forNewConnection(route.toxics(), ClientAddress.ip(pipeline.channel()));
            if (stall != null) {
                pipeline.addLast(PipelineNames.TOXIC_STALL, stall);
            }
            pipeline.addLast(PipelineNames.TLS, tls.newHandler(state.config().timeouts().handshake().toMillis()))
                    .addLast(PipelineNames.TLS_GATE, new TlsHandshakeGate());
        }
        pipeline.addLast(PipelineNames.FRONTEND, new FrontendHandler(route, state, route.dialer()));
    }
}
