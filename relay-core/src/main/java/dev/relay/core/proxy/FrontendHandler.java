package dev.relay.core.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.timeout.IdleStateEvent;

/**
 * Sits on an accepted client channel until its upstream is connected: dials the upstream on the client's own
 * event loop, then hands the channel to a {@link RelayHandler} and starts reading. The client's reads stay off
 * until then, so nothing is buffered while the upstream is being reached.
 */
final class FrontendHandler extends ChannelInboundHandlerAdapter {

    private final RouteContext route;
    private RelayConnection connection;

    FrontendHandler(RouteContext route) {
        this.route = route;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        Channel client = ctx.channel();
        connection = route.open(client);
        if (route.config().hexdump()) {
            ctx.pipeline().addBefore(ctx.name(), PipelineNames.HEXDUMP, new HexDumpHandler(connection.id()));
        }
        RelayConnection conn = connection;
        ChannelFuture connect = route.upstreamBootstrap(client.eventLoop())
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel upstream) {
                        upstream.pipeline().addLast(PipelineNames.RELAY,
                                new RelayHandler(client, Direction.DOWNSTREAM, conn));
                    }
                })
                .connect(route.targetAddress());
        connection.upstreamDialed(connect.channel());
        connect.addListener(f -> upstreamConnected(ctx, connect));
        ctx.fireChannelActive();
    }

    private void upstreamConnected(ChannelHandlerContext ctx, ChannelFuture connect) {
        if (!connect.isSuccess()) {
            connection.connectFailed(connect.cause());
            return;
        }
        if (connection.isClosing() || !ctx.channel().isActive()) {
            // The client left while the upstream was being dialed: the new upstream socket goes too.
            connect.channel().close();
            return;
        }
        ctx.pipeline().replace(this, PipelineNames.RELAY,
                new RelayHandler(connect.channel(), Direction.UPSTREAM, connection));
        ctx.channel().config().setAutoRead(true);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            connection.close(CloseReason.IDLE_TIMEOUT);
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        connection.failed(Direction.UPSTREAM, cause);
    }
}
