package dev.relay.core.proxy;

import dev.relay.core.base.Failures;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.Queue;

/**
 * Holds a TLS connection back from the relay until its handshake is done: the frontend sees it become active only
 * then, so no upstream byte can be written to the client before TLS is in place (it would go out in the clear),
 * and no upstream is dialed for a client whose handshake fails. Reads during the handshake are its own; bytes
 * decrypted in the same read as the handshake's end are kept and handed on, in order, after the activation.
 */
final class TlsHandshakeGate extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(TlsHandshakeGate.class);

    private final Queue<Object> early = new ArrayDeque<>();
    private boolean done;

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.read(); // the relay keeps auto-read off until its upstream answers; the handshake needs reads now
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (done) {
            ctx.fireChannelRead(msg);
        } else {
            early.add(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (!done && ctx.channel().isActive()) {
            ctx.read();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (!(evt instanceof SslHandshakeCompletionEvent handshake) || done) {
            ctx.fireUserEventTriggered(evt);
            return;
        }
        done = true;
        if (!handshake.isSuccess()) {
            log.debug("TLS handshake with {} failed: {}", ctx.channel().remoteAddress(),
                    Failures.describe(handshake.cause()));
            ctx.close();
            return;
        }
        ctx.fireChannelActive();
        boolean any = !early.isEmpty();
        for (Object msg; (msg = early.poll()) != null; ) {
            ctx.fireChannelRead(msg);
        }
        if (any) {
            ctx.fireChannelReadComplete();
        }
        ctx.pipeline().remove(this);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        for (Object msg; (msg = early.poll()) != null; ) {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!done) {
            log.debug("TLS with {} failed: {}", ctx.channel().remoteAddress(), Failures.describe(cause));
            ctx.close();
        } else {
            ctx.fireExceptionCaught(cause);
        }
    }
}
