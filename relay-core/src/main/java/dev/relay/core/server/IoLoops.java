package dev.relay.core.server;

import dev.relay.core.config.RouteConfig;
import dev.relay.core.config.ServerConfig;
import dev.relay.core.config.UpstreamConfig;
import dev.relay.core.resolve.DnsResolvers;
import dev.relay.core.resolve.LazyResolverGroup;
import dev.relay.core.transport.Transport;
import dev.relay.core.transport.Transports;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.resolver.AddressResolverGroup;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.net.SocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The relay's event loops, the transport they run on, and the DNS resolvers that live on them: made first at start,
 * freed last at stop.
 *
 * @param threads how many loops: the config's {@code io_threads}, or one per core
 */
public record IoLoops(Transport transport, EventLoopGroup group, AddressResolverGroup<? extends SocketAddress> resolver,
                      int threads) {

    /**
     * Picks the transport for {@code config} and starts its loops; fails first, with no thread started, when the
     * transport cannot carry one of the config's addresses. {@code given} is an embedder's resolver, or null.
     */
    public static IoLoops start(ServerConfig config, AddressResolverGroup<? extends SocketAddress> given) {
        Transport transport = Transports.select(config.transport(), config.usesUnixSockets());
        checkAddresses(config, transport);
        int threads = config.ioThreads() == 0 ? Runtime.getRuntime().availableProcessors() : config.ioThreads();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("relay-io"),
                transport.ioHandlerFactory());
        AddressResolverGroup<? extends SocketAddress> resolver = given != null ? given
                : new LazyResolverGroup(() -> DnsResolvers.create(config.dns(), transport));
        return new IoLoops(transport, group, resolver, threads);
    }

    /** Fails, with the transport's one-line reason, when it cannot carry an address of {@code config}. */
    public static void checkAddresses(ServerConfig config, Transport transport) {
        for (RouteConfig route : config.routes()) {
            route.listen().forEach(transport::serverChannelFor);
            route.upstreams().stream().map(UpstreamConfig::address).forEach(transport::channelFor);
        }
    }

    /**
     * Builds the DNS client now when {@code config} names an upstream by host: on the starting or reloading thread,
     * not on the event loop of a first connect.
     */
    public void prepareResolver(ServerConfig config) {
        if (resolver instanceof LazyResolverGroup lazy && config.namesAnUpstreamHost()) {
            lazy.build();
        }
    }

    /** Stops the loops and the resolvers on them; waits up to ten seconds for the loops to end. */
    public void close() {
        // The resolvers' sockets live on the io loops: close them while the loops still run, so their pending
        // reads are cancelled and their buffers freed.
        resolver.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        group.terminationFuture().awaitUninterruptibly(10, TimeUnit.SECONDS);
    }
}
