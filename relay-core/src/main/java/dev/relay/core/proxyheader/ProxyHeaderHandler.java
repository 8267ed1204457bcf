package dev.relay.core.proxyheader;

import dev.relay.core.base.Failures;
import dev.relay.core.config.ProxyProtocolConfig;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.netty.util.NetUtil;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.util.concurrent.TimeUnit;

/**
 * Sits behind Netty's {@code HAProxyMessageDecoder} until a connection's PROXY header has arrived: checks that the
 * peer may send one, reads until the header is whole (within the timeout), records its addresses on the channel
 * ({@link ClientAddress}), then steps aside and lets the rest of the pipeline see the connection as active. The
 * bytes after the header reach the relay untouched. A header that is untrusted, malformed, oversized or late
 * closes the connection through {@link Rejections}.
 */
public final class ProxyHeaderHandler extends ChannelInboundHandlerAdapter {

    /** Told of each connection turned away, to count, log and close it. */
    public interface Rejections {
        void rejected(Channel client, String why);
    }

    private final ProxyProtocolConfig config;
    private final Rejections rejections;
    private ScheduledFuture<?> deadline;
    private boolean done;

    public ProxyHeaderHandler(ProxyProtocolConfig config, Rejections rejections) {
        this.config = config;
        this.rejections = rejections;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        Channel client = ctx.channel();
        InetAddress peer = client.remoteAddress() instanceof InetSocketAddress inet ? inet.getAddress() : null;
        if (!config.trusts(peer)) {
            reject(ctx, "PROXY header from an untrusted peer");
            return;
        }
        long millis = config.timeout().toMillis();
        deadline = ctx.executor().schedule(
                () -> reject(ctx, "no complete PROXY header within " + millis + "ms"), millis, TimeUnit.MILLISECONDS);
        ctx.read();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof HAProxyMessage header)) {
            ReferenceCountUtil.release(msg); // nothing but the header reaches here before it is done
            return;
        }
        try {
            accept(ctx, header);
        } finally {
            header.release();
        }
    }

    private void accept(ChannelHandlerContext ctx, HAProxyMessage header) {
        if (done) {
            return;
        }
        done = true;
        deadline.cancel(false);
        // LOCAL (a load balancer's own health check) and UNKNOWN carry no client: the socket's addresses stand.
        if (header.command() == HAProxyCommand.PROXY && header.proxiedProtocol() != HAProxyProxiedProtocol.UNKNOWN) {
            SocketAddress source = address(header.sourceAddress(), header.sourcePort());
            SocketAddress destination = address(header.destinationAddress(), header.destinationPort());
            if (source != null) {
                ctx.channel().attr(ClientAddress.PROXIED_SOURCE).set(source);
            }
            if (destination != null) {
                ctx.channel().attr(ClientAddress.PROXIED_DESTINATION).set(destination);
            }
        }
        ctx.fireChannelActive();
        ctx.pipeline().remove(this);
    }

    /** An IP address and port from the header (the decoder has checked them), or null for a Unix socket path. */
    private static SocketAddress address(String host, int port) {
        byte[] literal = host == null ? null : NetUtil.createByteArrayFromIpAddressString(host);
        if (literal == null) {
            return null;
        }
        try {
            return new InetSocketAddress(InetAddress.getByAddress(literal), port);
        } catch (UnknownHostException impossible) {
            return null;
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (!done && ctx.channel().isActive()) {
            ctx.read(); // the header is not whole yet
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof DecoderException) {
            // The first bad header rejects; what the decoder says after that is about a connection already closing.
            reject(ctx, "malformed PROXY header: " + Failures.describe(cause));
        } else {
            ctx.fireExceptionCaught(cause);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (deadline != null) {
            deadline.cancel(false);
        }
        if (done) {
            ctx.fireChannelInactive();
        }
    }

    private void reject(ChannelHandlerContext ctx, String why) {
        if (done) {
            return;
        }
        done = true;
        if (deadline != null) {
            deadline.cancel(false);
        }
        rejections.rejected(ctx.channel(), why);
    }
}
