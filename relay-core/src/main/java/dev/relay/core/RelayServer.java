package dev.relay.core;

import dev.relay.core.config.Endpoint;
import dev.relay.core.config.RelayConfig;
import dev.relay.core.metrics.RelayCounters;
import dev.relay.core.proxy.Addresses;
import dev.relay.core.proxy.CloseReason;
import dev.relay.core.proxy.ConnectionRegistry;
import dev.relay.core.proxy.RelayChannelInitializer;
import dev.relay.core.proxy.RelayConnection;
import dev.relay.core.proxy.RouteContext;
import dev.relay.core.transport.Transport;
import dev.relay.core.transport.TransportKind;
import dev.relay.core.transport.Transports;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.resolver.AddressResolverGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A running relay: one listener, its event loops, and the connections it carries.
 *
 * <pre>{@code
 * try (RelayServer relay = RelayServer.start(RelayConfig.of(Endpoint.parse("127.0.0.1:0"),
 *                                                            Endpoint.parse("127.0.0.1:7792")))) {
 *     SocketAddress where = relay.localAddress();
 *     ...
 * }   // stops accepting, drains open connections, frees every thread
 * }</pre>
 */
public final class RelayServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RelayServer.class);
    /** After the drain timeout, how long closing the remaining connections may take before the loops stop anyway. */
    private static final Duration FORCED_CLOSE_GRACE = Duration.ofSeconds(5);

    private final RouteContext route;
    private final EventLoopGroup acceptGroup;
    private final EventLoopGroup ioGroup;
    private final AddressResolverGroup<? extends SocketAddress> resolver;
    private final Channel listener;
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    private boolean stopping;

    private RelayServer(RouteContext route, EventLoopGroup acceptGroup, EventLoopGroup ioGroup,
                        AddressResolverGroup<? extends SocketAddress> resolver, Channel listener) {
        this.route = route;
        this.acceptGroup = acceptGroup;
        this.ioGroup = ioGroup;
        this.resolver = resolver;
        this.listener = listener;
    }

    /** Binds the listener and starts relaying; throws {@link RelayStartException} when it cannot. */
    public static RelayServer start(RelayConfig config) {
        return start(config, RelayHooks.DEFAULT);
    }

    public static RelayServer start(RelayConfig config, RelayHooks hooks) {
        Transport transport = Transports.select(config.transport());
        Class<? extends ServerChannel> serverChannel = transport.serverChannelFor(config.listen());
        // Fail before any thread starts when the transport cannot reach the target (a Unix socket it lacks).
        transport.channelFor(config.target());

        EventLoopGroup acceptGroup = new MultiThreadIoEventLoopGroup(1,
                new DefaultThreadFactory("relay-accept"), transport.ioHandlerFactory());
        int ioThreads = config.ioThreads() == 0 ? Runtime.getRuntime().availableProcessors() : config.ioThreads();
        EventLoopGroup ioGroup = new MultiThreadIoEventLoopGroup(ioThreads,
                new DefaultThreadFactory("relay-io"), transport.ioHandlerFactory());
        AddressResolverGroup<? extends SocketAddress> resolver = hooks.resolver().get();
        RouteContext route = new RouteContext(config, transport, new RelayCounters(), resolver, hooks.onClosed());

        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(acceptGroup, ioGroup)
                .channel(serverChannel)
                .option(ChannelOption.SO_BACKLOG, config.backlog())
                .childOption(ChannelOption.AUTO_READ, false)
                .childHandler(new RelayChannelInitializer(route));
        if (config.listen() instanceof Endpoint.Inet) {
            // Half-close only on TCP; see RouteContext for why Unix sockets end at their first FIN.
            bootstrap.option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.SO_KEEPALIVE, true)
                    .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        }
        RelayChannelInitializer.applyFlowControl(bootstrap);

        SocketAddress listenAddress = resolveListenAddress(config.listen(), transport);
        if (listenAddress == null) {
            shutdown(acceptGroup, ioGroup, resolver);
            throw new RelayStartException("cannot listen on " + config.listen() + ": cannot resolve "
                    + ((Endpoint.Inet) config.listen()).host(), null);
        }
        ChannelFuture bind = bootstrap.bind(listenAddress).awaitUninterruptibly();
        if (!bind.isSuccess()) {
            shutdown(acceptGroup, ioGroup, resolver);
            throw RelayStartException.cannotListen(config.listen(), bind.cause());
        }
        RelayServer server = new RelayServer(route, acceptGroup, ioGroup, resolver, bind.channel());
        if (transport.kind() == TransportKind.EPOLL) {
            log.warn("transport epoll: with Netty 4.2.18 a client that half-closes while relay is pausing it can have "
                    + "its reply cut short by a reset; io_uring and nio do not (see docs/performance.md)");
        }
        log.info("relay listening on {} -> {} (transport {}, {} io threads)",
                Addresses.format(server.localAddress()), config.target(), transport.kind(), ioThreads);
        return server;
    }

    /**
     * The listen address, with a hostname looked up here, once, on the starting thread (never an event loop);
     * null when the name does not resolve.
     */
    private static SocketAddress resolveListenAddress(Endpoint listen, Transport transport) {
        SocketAddress address = transport.addressFor(listen);
        if (address instanceof InetSocketAddress inet && inet.isUnresolved()) {
            InetSocketAddress resolved = new InetSocketAddress(inet.getHostString(), inet.getPort());
            return resolved.isUnresolved() ? null : resolved;
        }
        return address;
    }

    /** The address the listener is bound to (with the real port when port 0 was asked for). */
    public SocketAddress localAddress() {
        return listener.localAddress();
    }

    public RelayConfig config() {
        return route.config();
    }

    public Transport transport() {
        return route.transport();
    }

    public RelayCounters counters() {
        return route.counters();
    }

    /** The connections open right now. */
    public ConnectionRegistry connections() {
        return route.registry();
    }

    /** Completes once {@link #close()} has freed everything. */
    public CompletableFuture<Void> stopped() {
        return stopped;
    }

    /**
     * Stops: no new connections, open ones get up to the drain timeout to finish, the rest are closed, then every
     * thread is freed. Blocks the caller, so it must not be called on one of the relay's event loops.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (stopping) {
                stopped.join();
                return;
            }
            stopping = true;
        }
        ConnectionRegistry open = route.registry();
        listener.close().awaitUninterruptibly();
        Duration drain = route.config().drainTimeout();
        log.info("relay stopping: {} open connections, draining for up to {}ms", open.size(), drain.toMillis());
        try {
            if (!open.awaitEmpty(drain)) {
                for (RelayConnection connection : open.connections()) {
                    connection.client().eventLoop().execute(() -> connection.close(CloseReason.SHUTDOWN));
                }
                open.awaitEmpty(FORCED_CLOSE_GRACE);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        shutdown(acceptGroup, ioGroup, resolver);
        log.info("relay stopped");
        stopped.complete(null);
    }

    private static void shutdown(EventLoopGroup acceptGroup, EventLoopGroup ioGroup,
                                 AddressResolverGroup<? extends SocketAddress> resolver) {
        acceptGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        ioGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        acceptGroup.terminationFuture().awaitUninterruptibly(10, TimeUnit.SECONDS);
        ioGroup.terminationFuture().awaitUninterruptibly(10, TimeUnit.SECONDS);
        resolver.close();
    }
}
