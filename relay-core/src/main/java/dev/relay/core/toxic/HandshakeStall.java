package dev.relay.core.toxic;

import dev.relay.core.base.Direction;
import dev.relay.core.config.Toxic;
import dev.relay.core.config.ToxicType;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;

import java.net.InetAddress;
import java.util.ArrayDeque;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A handshake_stall toxic on one new connection: in front of the route's TLS, it holds what the client sends first
 * (its ClientHello) for the toxic's delay, then lets it through in order and steps aside; with a delay of 0 it holds
 * until the route's handshake timeout closes the connection. At most {@value #MAX_HELD} bytes are held: a client
 * that sends more before its handshake is closed.
 */
public final class HandshakeStall extends ChannelInboundHandlerAdapter {

    static final int MAX_HELD = 64 * 1024;

    private final long delayMillis;
    private final ArrayDeque<Object> held = new ArrayDeque<>();
    private int heldBytes;
    private ScheduledFuture<?> release;

    private HandshakeStall(long delayMillis) {
        this.delayMillis = delayMillis;
    }

    /** The stall for a new connection from {@code client}, or null when no handshake_stall toxic takes it now. */
    public static HandshakeStall forNewConnection(ToxicSet toxics, InetAddress client) {
        if (toxics.isEmpty()) {
            return null;
        }
        for (Direction stream : Direction.values()) {
            for (Toxic toxic : toxics.on(stream, client, null)) {
                if (toxic.type() == ToxicType.HANDSHAKE_STALL
                        && ThreadLocalRandom.current().nextDouble() < toxic.toxicity()) {
                    return new HandshakeStall(toxic.attribute("delay"));
                }
            }
        }
        return null;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (delayMillis > 0) {
            release = ctx.executor().schedule(() -> letGo(ctx), delayMillis, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf buf) {
            heldBytes += buf.readableBytes();
        }
        held.add(msg);
        if (heldBytes > MAX_HELD) {
            ctx.close();
        }
        ctx.read(); // keep taking what comes, so that the kernel's buffer is not what holds it
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        // held back with the bytes
    }

    private void letGo(ChannelHandlerContext ctx) {
        for (Object msg; (msg = held.poll()) != null; ) {
            ctx.fireChannelRead(msg);
        }
        ctx.fireChannelReadComplete();
        ctx.pipeline().remove(this);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (release != null) {
            release.cancel(false);
        }
        for (Object msg; (msg = held.poll()) != null; ) {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        handlerRemoved(ctx);
        ctx.fireChannelInactive();
    }
}
