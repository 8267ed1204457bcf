package dev.relay.core.proxy;

import dev.relay.core.config.Endpoint;
import dev.relay.core.config.RelayConfig;
import dev.relay.core.metrics.RelayCounters;
import dev.relay.core.transport.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.resolver.AddressResolverGroup;

import java.net.SocketAddress;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * What every connection of one route shares: its config, transport, counters and open connections, and a
 * template for upstream connects. Immutable but for the counters and the registry, which are thread-safe.
 */
public final class RouteContext {

    private final RelayConfig config;
    private final Transport transport;
    private final RelayCounters counters;
    private final ConnectionRegistry registry = new ConnectionRegistry();
    private final Consumer<ConnectionSummary> onClosed;
    private final AtomicLong connectionIds = new AtomicLong();
    private final Bootstrap upstreamTemplate;
    private final SocketAddress targetAddress;
    private final String targetName;

    public RouteContext(RelayConfig config, Transport transport, RelayCounters counters,
                        AddressResolverGroup<? extends SocketAddress> resolver,
                        Consumer<ConnectionSummary> onClosed) {
        this.config = config;
        this.transport = transport;
        this.counters = counters;
        this.onClosed = onClosed;
        this.targetAddress = transport.addressFor(config.target());
        this.targetName = config.target().toString();
        this.upstreamTemplate = upstreamTemplate(config, transport, resolver);
    }

    private static Bootstrap upstreamTemplate(RelayConfig config, Transport transport,
                                              AddressResolverGroup<? extends SocketAddress> resolver) {
        Bootstrap b = new Bootstrap()
                .channel(transport.channelFor(config.target()))
                .resolver(resolver)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) config.connectTimeout().toMillis())
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, FlowControl.waterMark())
                .option(ChannelOption.RCVBUF_ALLOCATOR, FlowControl.readAllocator());
        if (config.target() instanceof Endpoint.Inet) {
            // Half-close only on TCP: Netty 4.2's Unix domain channels either lack ALLOW_HALF_CLOSURE (NIO) or
            // fail writes after a half-close (epoll, io_uring), so a FIN on a Unix socket ends that side.
            b.option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.SO_KEEPALIVE, true)
                    .option(ChannelOption.ALLOW_HALF_CLOSURE, true);
        }
        return b;
    }

    public RelayConfig config() {
        return config;
    }

    public Transport transport() {
        return transport;
    }

    public RelayCounters counters() {
        return counters;
    }

    public ConnectionRegistry registry() {
        return registry;
    }

    SocketAddress targetAddress() {
        return targetAddress;
    }

    /** A connect template bound to {@code loop}, so the upstream shares the client's event loop. */
    Bootstrap upstreamBootstrap(EventLoop loop) {
        return upstreamTemplate.clone(loop);
    }

    RelayConnection open(Channel client) {
        long id = connectionIds.incrementAndGet();
        RelayConnection connection = new RelayConnection(id, client, targetName, counters, summary -> {
            registry.remove(summary.id());
            onClosed.accept(summary);
        });
        registry.add(connection);
        return connection;
    }
}
