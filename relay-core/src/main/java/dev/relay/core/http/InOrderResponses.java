package dev.relay.core.http;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.util.ReferenceCountUtil;

import java.util.ArrayDeque;

/**
 * Hands the handler behind it one request at a time, so answers leave in the order the requests came, as
 * HTTP/1.1 pipelining needs. Without it, a request answered later (from another thread or loop) is overtaken by
 * one answered at once, and a {@code Connection: close} on the second loses the first answer.
 *
 * <p>A request that comes while one is being answered waits here, and the socket stops being read until the
 * waiting ones are done: a pipelining client holds at most one socket read of requests in relay's memory. The
 * next request goes on when the handler writes the current one's response.
 */
public final class InOrderResponses extends ChannelDuplexHandler {

    private final ArrayDeque<FullHttpRequest> waiting = new ArrayDeque<>();
    private boolean answering;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest request)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (answering) {
            waiting.add(request);
            ctx.channel().config().setAutoRead(false);
            return;
        }
        answering = true;
        ctx.fireChannelRead(request);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        boolean answered = msg instanceof HttpResponse;
        ctx.write(msg, promise);
        if (answered) {
            answering = false;
            // After this write has gone into the pipeline, not from inside it: the next answer must follow it.
            ctx.executor().execute(() -> next(ctx));
        }
    }

    private void next(ChannelHandlerContext ctx) {
        if (answering || !ctx.channel().isActive()) {
            return;
        }
        FullHttpRequest request = waiting.poll();
        if (request == null) {
            ctx.channel().config().setAutoRead(true);
            return;
        }
        answering = true;
        ctx.fireChannelRead(request);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        releaseWaiting();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releaseWaiting();
    }

    private void releaseWaiting() {
        FullHttpRequest request;
        while ((request = waiting.poll()) != null) {
            ReferenceCountUtil.release(request);
        }
    }
}
