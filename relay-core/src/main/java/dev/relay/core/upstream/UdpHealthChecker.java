package dev.relay.core.upstream;

import dev.relay.core.base.Failures;
import dev.relay.core.config.HealthCheckConfig;
import dev.relay.core.transport.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.resolver.AddressResolverGroup;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;

import java.net.PortUnreachableException;
import java.net.SocketAddress;
import java.util.function.Supplier;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Active checks for a UDP route's pool. UDP has no connect to try, so each check sends one datagram from a socket
 * of its own: with {@code health_check.send} set, the upstream must answer it within the timeout (a DNS query, a
 * statsd or game server's ping); without it, the datagram is empty and only an ICMP "port unreachable" (nothing
 * listens there) fails the check. Runs on one event loop and never blocks it.
 */
public final class UdpHealthChecker implements ActiveChecks {

    private final HealthCheckConfig health;
    private final EventLoop loop;
    private final Transport transport;
    private final AddressResolverGroup<? extends SocketAddress> resolver;
    private final byte[] probe;
    private final Consumer<Channel> opened;
    private ScheduledFuture<?> schedule;
    private volatile boolean closed;

    private UdpHealthChecker(Supplier<UpstreamPool> pool, EventLoop loop, Transport transport,
                             AddressResolverGroup<? extends SocketAddress> resolver, Consumer<Channel> opened) {
        this.opened = opened;
        this.health = pool.get().route().healthCheck();
        this.loop = loop;
        this.transport = transport;
        this.resolver = resolver;
        this.probe = health.send().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Starts checking the route's current pool when its route asks for active checks; null when it does not. Each probe's socket
     * is given to {@code opened}, so that a stop can close the ones still waiting for a reply.
     */
    public static UdpHealthChecker start(Supplier<UpstreamPool> pool, EventLoop loop, Transport transport,
                                         AddressResolverGroup<? extends SocketAddress> resolver,
                                         Consumer<Channel> opened) {
        if (!pool.get().route().healthCheck().activeChecks()) {
            return null;
        }
        UdpHealthChecker checker = new UdpHealthChecker(pool, loop, transport, resolver, opened);
        checker.schedule = CheckRounds.start(pool, loop, checker::check);
        return checker;
    }

    private void check(Upstream upstream) {
        Probe outcome = new Probe(upstream);
        ChannelFuture connect = new Bootstrap()
                .group(loop)
                .channel(transport.datagramChannel())
                .resolver(upstream.resolverFrom(resolver))
                .handler(outcome)
                .connect(upstream.dialAddress(transport));
        opened.accept(connect.channel());
        connect.addListener(f -> {
            if (!f.isSuccess()) {
                outcome.done(false, Failures.describe(f.cause()));
                return;
            }
            Channel socket = connect.channel();
            socket.writeAndFlush(Unpooled.wrappedBuffer(probe));
            outcome.timer = loop.schedule(() -> outcome.done(probe.length == 0,
                    "no reply within " + health.timeout().toMillis() + "ms"), health.timeout().toMillis(),
                    TimeUnit.MILLISECONDS);
        });
    }

    /** One check's socket: the first reply, error or the timer decides it, once; then the socket closes. */
    private final class Probe extends ChannelInboundHandlerAdapter {
        private final Upstream upstream;
        private Channel socket;
        private ScheduledFuture<?> timer;
        private boolean decided;

        Probe(Upstream upstream) {
            this.upstream = upstream;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            socket = ctx.channel();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
            done(true, "");
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            done(false, cause instanceof PortUnreachableException ? "port unreachable (ICMP)"
                    : Failures.describe(cause));
        }

        void done(boolean ok, String failure) {
            if (decided) {
                return;
            }
            decided = true;
            if (timer != null) {
                timer.cancel(false);
            }
            socket.close();
            if (!closed) {
                upstream.checked(ok, health, failure);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        if (schedule != null) {
            schedule.cancel(false);
        }
    }
}
