package dev.relay.core.proxyheader;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageEncoder;

/**
 * Writes the PROXY header as an upstream connection becomes active, before anything after it in the pipeline
 * (TLS's ClientHello included) can write, so the header is the first thing on the wire and is never encrypted.
 * Then it and the encoder in front of it leave the pipeline.
 */
public final class OutgoingProxyHeaderWriter extends ChannelInboundHandlerAdapter {

    private final HAProxyMessage header;

    public OutgoingProxyHeaderWriter(HAProxyMessage header) {
        this.header = header;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        // From this context the write goes towards the socket only: through the encoder, past nothing else.
        ctx.writeAndFlush(header);
        ctx.pipeline().remove(HAProxyMessageEncoder.class);
        ctx.pipeline().remove(this);
        ctx.fireChannelActive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (header.refCnt() > 0 && !ctx.channel().isActive()) {
            header.release(); // never connected: the header was never written
        }
    }
}
