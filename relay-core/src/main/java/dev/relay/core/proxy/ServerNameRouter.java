package dev.relay.core.proxy;

import dev.relay.core.base.Failures;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.AbstractSniHandler;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;

/**
 * Picks a connection's route on a listen address shared by server name: reads (without consuming) the TLS
 * ClientHello, asks {@link ListenerRoutes} which route answers its server name, then puts that route's stages
 * behind itself, lets them see the connection become active, and steps aside; the bytes it read go on to them
 * untouched. No route for the name, no ClientHello within the timeout, or a ClientHello past 64 KiB: the
 * connection is closed, counted on the address's first route, and logged (at a bounded pace).
 */
final class ServerNameRouter extends AbstractSniHandler<RouteContext> {

    /** The most a client may send before its ClientHello is whole: TLS records are 16 KiB, a hello a few of them. */
    static final int MAX_CLIENT_HELLO_BYTES = 64 * 1024;

    private final ListenerRoutes routes;
    private ScheduledFuture<?> timeout;
    private boolean refused;

    ServerNameRouter(ListenerRoutes routes) {
        super(MAX_CLIENT_HELLO_BYTES, 0); // the timeout is this class's own, so that it is counted and logged
        this.routes = routes;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
        super.handlerAdded(ctx);
        if (ctx.channel().isActive()) {
            startClock(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        startClock(ctx);
        // Nothing stands behind this handler yet: the route's stages see the connection become active once chosen.
        ctx.read(); // auto-read is off until an upstream answers, but the ClientHello must come in first
    }

    private void startClock(ChannelHandlerContext ctx) {
        if (timeout == null) {
            long millis = routes.clientHelloTimeout().toMillis();
            timeout = ctx.executor().schedule(() -> refuse(ctx, "no TLS ClientHello within " + millis + " ms"),
                    millis, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    protected Future<RouteContext> lookup(ChannelHandlerContext ctx, String serverName) {
        return ctx.executor().newSucceededFuture(routes.select(serverName));
    }

    @Override
    protected void onLookupComplete(ChannelHandlerContext ctx, String serverName, Future<RouteContext> chosen) {
        RouteContext route = chosen.getNow();
        if (route == null) {
            refuse(ctx, serverName == null ? "no server name, and no default route" : "no route for server name "
                    + serverName);
            return;
        }
        RelayChannelInitializer.addRouteStages(ctx.pipeline(), route);
        ctx.fireChannelActive();
        ctx.pipeline().remove(this); // hands the ClientHello bytes it holds to the route's stages
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Not TLS where a ClientHello was due, or a hello too long: Netty has closed the connection already.
        refuse(ctx, Failures.describe(cause));
    }

    private void refuse(ChannelHandlerContext ctx, String why) {
        if (!refused) {
            refused = true;
            routes.first().rejectServerName(ctx.channel(), why);
        }
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) throws Exception {
        if (timeout != null) {
            timeout.cancel(false);
        }
        super.handlerRemoved0(ctx);
    }
}
