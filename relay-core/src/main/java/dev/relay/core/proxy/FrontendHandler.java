package dev.relay.core.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;

import java.util.ArrayDeque;
import java.util.Queue;

/**
 * Sits on an accepted client channel until its upstream is connected: dials the upstream on the client's own
 * event loop, then hands the channel to a {@link RelayHandler} and starts reading.
 *
 * <p>The client's reads are off until then. A transport may still deliver what it already read with a FIN
 * (epoll does, on EPOLLRDHUP): those bytes and that FIN are held here, at most one read batch, and handed to the
 * relay first, in order.
 */
final class FrontendHandler extends ChannelInboundHandlerAdapter {

    private final RouteContext route;
    private final Queue<ByteBuf> early = new ArrayDeque<>();
    private boolean earlyFin;
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
        connection.upstreamConnected();
        ctx.pipeline().addAfter(ctx.name(), PipelineNames.RELAY,
                new RelayHandler(connect.channel(), Direction.UPSTREAM, connection));
        boolean hadEarlyReads = !early.isEmpty();
        for (ByteBuf buf; (buf = early.poll()) != null; ) {
            ctx.fireChannelRead(buf);
        }
        if (hadEarlyReads) {
            ctx.fireChannelReadComplete();
        }
        if (earlyFin) {
            ctx.fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        }
        ctx.pipeline().remove(this);
        if (!earlyFin) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf buf && !connection.isClosing()) {
            early.add(buf);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            earlyFin = true;
        } else if (evt instanceof IdleStateEvent) {
            connection.close(CloseReason.IDLE_TIMEOUT);
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        // Closed before the upstream answered: what the client sent goes nowhere.
        for (ByteBuf buf; (buf = early.poll()) != null; ) {
            buf.release();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        connection.failed(Direction.UPSTREAM, cause);
    }
}
