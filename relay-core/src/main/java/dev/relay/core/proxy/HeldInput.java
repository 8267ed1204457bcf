package dev.relay.core.proxy;

import dev.relay.core.proxy.splice.HeldBytes;
import dev.relay.core.base.Direction;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;

import java.util.ArrayDeque;

/**
 * Holds what a channel reads before its connection relays: reads are off then, but epoll still reads what arrives
 * with a FIN. The held bytes (what the kernel had buffered before the FIN) and the FIN go first, either to the
 * splice path or through a {@link RelayHandler} put in this handler's place.
 */
final class HeldInput extends ChannelInboundHandlerAdapter implements HeldBytes {

    private final Direction direction;
    private final RelayConnection connection;
    private final ArrayDeque<ByteBuf> bytes = new ArrayDeque<>(2);
    private boolean fin;
    private ChannelHandlerContext context;

    /** @param direction the direction of the bytes read on the channel this handler sits on */
    HeldInput(Direction direction, RelayConnection connection) {
        this.direction = direction;
        this.connection = connection;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        context = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf buf && !connection.isClosing()) {
            bytes.add(buf);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            fin = true;
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        connection.failed(direction, cause);
    }

    /** Takes the held bytes out, in order; the caller owns them. */
    @Override
    public ArrayDeque<ByteBuf> takeBytes() {
        ArrayDeque<ByteBuf> taken = new ArrayDeque<>(bytes);
        bytes.clear();
        return taken;
    }

    /** Whether the channel's input ended while held. */
    @Override
    public boolean finished() {
        return fin;
    }

    /**
     * Leaves the pipeline, if still in it; whatever is still held is released. Called explicitly because a channel
     * closed while deregistered (during the splice hand-over) never tears its pipeline down.
     */
    @Override
    public void remove() {
        if (!context.isRemoved()) {
            context.pipeline().remove(this);
        }
    }

    /**
     * Gives the channel to {@code relay} instead: the held bytes and FIN go through it first, then reading resumes.
     */
    void relayInstead(ChannelHandler relay) {
        addRelay(relay);
        releaseToRelay();
    }

    /** Puts {@code relay} after this handler, as {@link PipelineNames#RELAY}; nothing moves yet. */
    void addRelay(ChannelHandler relay) {
        context.pipeline().addAfter(context.name(), PipelineNames.RELAY, relay);
    }

    /** Hands the held bytes and FIN to the relay put in by {@link #addRelay}, leaves, and resumes reading. */
    void releaseToRelay() {
        boolean hadBytes = !bytes.isEmpty();
        for (ByteBuf buf; (buf = bytes.poll()) != null; ) {
            context.fireChannelRead(buf);
        }
        if (hadBytes) {
            context.fireChannelReadComplete();
        }
        if (fin) {
            context.fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        }
        boolean resume = !fin;
        var channel = context.channel();
        remove();
        if (resume) {
            channel.config().setAutoRead(true);
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        for (ByteBuf buf; (buf = bytes.poll()) != null; ) {
            buf.release();
        }
    }
}
