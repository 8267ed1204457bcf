package dev.relay.core.proxy;

import dev.relay.core.base.Direction;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;

/**
 * Moves bytes from the channel it sits on to its {@code peer}, one instance on each side of a connection.
 *
 * <p>Flow control: when the peer's outbound buffer passes the high water mark, this side stops reading; when the
 * peer drains under the low mark, the peer's handler (told by {@code channelWritabilityChanged}) lets this side
 * read again. {@code autoRead} has a second owner, a toxic that queues its side's bytes ({@code ToxicHandler});
 * each owner resumes reads only when the other does not hold them ({@code RelayConnection.mayRead}).
 *
 * <p>Half-close: a FIN on this side becomes a FIN on the peer after every byte before it has been written: a
 * shutdown of the peer's output while the other direction is still open, the close of the pair once it is not.
 */
final class RelayHandler extends ChannelInboundHandlerAdapter {

    private final Channel peer;
    private final Direction direction;
    private final RelayConnection connection;

    /**
     * @param peer       the channel bytes read here are written to
     * @param direction  the direction of the bytes read here
     */
    RelayHandler(Channel peer, Direction direction, RelayConnection connection) {
        this.peer = peer;
        this.direction = direction;
        this.connection = connection;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf buf) || !peer.isActive() || connection.isClosing()) {
            // A stream relay only carries bytes, and a peer that is gone takes nothing more.
            ReferenceCountUtil.release(msg);
            return;
        }
        connection.relayed(direction, buf.readableBytes());
        peer.write(buf, peer.voidPromise());
        connection.buffered(direction, Channels.pendingWriteBytes(peer));
        if (!peer.isWritable() && connection.pause(direction)) {
            ctx.channel().config().setAutoRead(false);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        // One flush per read batch: the kernel gets bigger writes than one per chunk.
        peer.flush();
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        // This channel is the destination of the opposite direction: once it drains, its source may read again.
        if (ctx.channel().isWritable() && connection.resume(direction.opposite())
                && connection.mayRead(direction.opposite())) {
            peer.config().setAutoRead(true);
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof SslHandshakeCompletionEvent handshake && !handshake.isSuccess()) {
            // Only the upstream side's TLS reaches here (the client's is gated): relay originated it.
            connection.upstreamTlsFailed(handshake.cause());
            return;
        }
        if (evt instanceof ChannelInputShutdownEvent) {
            if (connection.resume(direction)) {
                // Nothing more can be read here, so there is nothing left to pause: the pause ends with the input.
                // (That a socket wanting no event stays in epoll is KeptEpollRegistrations' work, on every socket.)
                ctx.channel().config().setAutoRead(true);
            }
            connection.finishedReading(direction);
            if (connection.isClosing()) {
                return;
            }
            if (connection.otherDirectionDone(direction)) {
                // The pair ends here: its close flushes the peer's pending bytes, then sends the FIN.
                connection.finRelayed(direction);
            } else {
                Channels.shutdownOutputAfterFlush(peer).addListener(f -> {
                    if (f.isSuccess() && !connection.hasToxics()) {
                        // The peer's FIN ends it now (a toxic may still hold its bytes, so not while toxics are in).
                        Channels.halfCloseOnFin(peer, false);
                    }
                    connection.finRelayed(direction);
                });
            }
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        connection.failed(direction, cause);
    }
}
