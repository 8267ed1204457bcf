package dev.relay.core.upstream;

import dev.relay.core.config.HealthCheckConfig;
import dev.relay.core.base.Failures;
import dev.relay.core.transport.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.resolver.AddressResolverGroup;
import io.netty.util.concurrent.ScheduledFuture;

import java.net.SocketAddress;
import java.util.function.Supplier;

/**
 * Active TCP checks for one pool: every interval, a connect to each upstream that must succeed within the
 * timeout, then is closed. Runs on one event loop and never blocks it: connects and name lookups are
 * asynchronous.
 */
public final class HealthChecker implements ActiveChecks {

    private final HealthCheckConfig health;
    private final EventLoop loop;
    private final Transport transport;
    private final AddressResolverGroup<? extends SocketAddress> resolver;
    private ScheduledFuture<?> schedule;
    private volatile boolean closed;

    private HealthChecker(Supplier<UpstreamPool> pool, EventLoop loop, Transport transport,
                          AddressResolverGroup<? extends SocketAddress> resolver) {
        this.health = pool.get().route().healthCheck();
        this.loop = loop;
        this.transport = transport;
        this.resolver = resolver;
    }

    /** Starts checking the route's current pool when its route asks for active checks; null when it does not. */
    public static HealthChecker start(Supplier<UpstreamPool> pool, EventLoop loop, Transport transport,
                                      AddressResolverGroup<? extends SocketAddress> resolver) {
        if (!pool.get().route().healthCheck().activeChecks()) {
            return null;
        }
        HealthChecker checker = new HealthChecker(pool, loop, transport, resolver);
        checker.schedule = CheckRounds.start(pool, loop, checker::check);
        return checker;
    }

    private void check(Upstream upstream) {
        ChannelFuture connect = new Bootstrap()
                .group(loop)
                .channel(transport.channelFor(upstream.address()))
                .resolver(upstream.resolverFrom(resolver))
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) health.timeout().toMillis())
                .handler(new ChannelInboundHandlerAdapter())
                .connect(upstream.dialAddress(transport));
        connect.addListener(f -> {
            connect.channel().close();
            if (!closed) {
                upstream.checked(f.isSuccess(), health, f.isSuccess() ? "" : Failures.describe(f.cause()));
            }
        });
    }


    @Override
    public void close() {
        closed = true;
        if (schedule != null) {
            schedule.cancel(false);
        }
    }
}
