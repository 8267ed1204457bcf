package dev.relay.core.http;

import dev.relay.core.base.RateLimitedLog;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * The HTTP plumbing the admin API and the Toxiproxy API share: reads a whole request (behind Netty's codec,
 * aggregator and {@link InOrderResponses}), refuses one that cannot be decoded, asks the API's {@link Routes} on
 * the API's dispatcher, and writes the {@link Reply} back on the connection's loop. Every failure is an answer in
 * the API's own error shape, never a stack trace; an unexpected one is logged, a few lines a minute at most.
 * Shareable: one instance serves every connection of its listener.
 */
@ChannelHandler.Sharable
public final class HttpService extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger log = LoggerFactory.getLogger(HttpService.class);
    private static final RateLimitedLog failures = new RateLimitedLog(log, 10_000);

    /** What may answer before the routes do (an authorization check): a reply, or null to go on. */
    @FunctionalInterface
    public interface Gate {
        Reply check(Request request);
    }

    private final String name;
    private final Routes routes;
    private final Executor dispatcher;
    private final Gate gate;
    private final Function<HttpError, Reply> errors;

    /**
     * @param name       the API's name in log lines
     * @param dispatcher where the routes run: {@code Runnable::run} for the connection's loop, or a worker
     * @param errors     the API's error body for a refusal
     */
    public HttpService(String name, Routes routes, Executor dispatcher, Gate gate, Function<HttpError, Reply> errors) {
        this.name = name;
        this.routes = routes;
        this.dispatcher = dispatcher;
        this.gate = gate;
        this.errors = errors;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest http) {
        boolean keepAlive = HttpUtil.isKeepAlive(http) && http.decoderResult().isSuccess();
        if (!http.decoderResult().isSuccess()) {
            send(ctx, false, errors.apply(new HttpError(400, "malformed request")));
            return;
        }
        RequestTarget target;
        try {
            target = RequestTarget.of(http.uri());
        } catch (RequestTarget.Malformed e) {
            send(ctx, keepAlive, errors.apply(new HttpError(400, e.getMessage())));
            return;
        }
        Request request = new Request(http.method().name(), target, http.headers().copy(),
                http.content().toString(StandardCharsets.UTF_8), Map.of());
        dispatcher.execute(() -> answer(request).whenComplete((reply, failure) -> {
            Reply answer = failure == null ? reply : refusal(request, failure);
            ctx.executor().execute(() -> send(ctx, keepAlive, answer));
        }));
    }

    private CompletionStage<Reply> answer(Request request) {
        try {
            Reply denied = gate.check(request);
            if (denied != null) {
                return CompletableFuture.completedFuture(denied);
            }
            return routes.dispatch(request);
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(refusal(request, e));
        }
    }

    private Reply refusal(Request request, Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (cause instanceof HttpError error) {
            return errors.apply(error);
        }
        failures.warn("{}: {} {} failed: {}", name, request.method(), request.target().path(), cause.toString());
        return errors.apply(new HttpError(500, "internal error"));
    }

    private static void send(ChannelHandlerContext ctx, boolean keepAlive, Reply reply) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(reply.status()), Unpooled.wrappedBuffer(reply.body()));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, reply.contentType());
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        reply.headers().forEach(response.headers()::set);
        HttpUtil.setContentLength(response, response.content().readableBytes());
        HttpUtil.setKeepAlive(response, keepAlive);
        ChannelFuture written = ctx.writeAndFlush(response);
        if (!keepAlive) {
            written.addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("{} connection {} failed: {}", name, ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
