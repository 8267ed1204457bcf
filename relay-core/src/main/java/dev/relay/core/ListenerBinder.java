package dev.relay.core;

import dev.relay.core.config.Endpoint;
import dev.relay.core.config.ServerConfig;
import dev.relay.core.proxy.RelayChannelInitializer;
import dev.relay.core.proxy.ListenerRoutes;
import dev.relay.core.transport.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Binds listen addresses for a server: the socket options, the accepting loops, SO_REUSEPORT copies. A listener
 * accepts on one of the io loops rather than on a thread of its own: a separate accept thread had to be woken for
 * each connection and then wake an io loop to hand it over, which cost 7% of the CPU per connection on the
 * connection-rate test (docs/performance.md).
 */
final class ListenerBinder {

    private final Transport transport;
    private final EventLoopGroup ioGroup;
    private final int ioThreads;

    ListenerBinder(Transport transport, EventLoopGroup ioGroup, int ioThreads) {
        this.transport = transport;
        this.ioGroup = ioGroup;
        this.ioThreads = ioThreads;
    }

    /**
     * Binds {@code endpoint}: once, accepting on one io loop (the connections it accepts go to every loop in turn);
     * or with {@code reuse_port} on TCP, once per event loop, each socket accepting on its own loop, so the kernel
     * spreads new connections over all of them.
     */
    List<Channel> bind(Endpoint endpoint, Supplier<ListenerRoutes> routes, ServerConfig settings) {
        boolean spread = settings.reusePort() && endpoint instanceof Endpoint.Inet;
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(ioGroup, ioGroup)
                .channel(transport.serverChannelFor(endpoint))
                .option(ChannelOption.SO_BACKLOG, settings.backlog())
                .childOption(ChannelOption.AUTO_READ, false)
                .childHandler(new RelayChannelInitializer(routes));
        if (endpoint instanceof Endpoint.Inet) {
            // Half-close only on TCP; see RouteContext for why Unix sockets end at their first FIN.
            bootstrap.option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.SO_KEEPALIVE, true)
                    .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        }
        RelayChannelInitializer.applyFlowControl(bootstrap);
        SocketAddress address = resolveListenAddress(endpoint);
        if (address == null) {
            throw new RelayStartException("cannot listen on " + endpoint + ": cannot resolve "
                    + ((Endpoint.Inet) endpoint).host(), null);
        }
        if (spread) {
            bootstrap.option(transport.reusePortOption(), true);
        }
        List<Channel> bound = new ArrayList<>();
        int copies = spread ? ioThreads : 1;
        for (int i = 0; i < copies; i++) {
            // Port 0 picks a port on the first bind; the other copies must share it.
            ChannelFuture bind = bootstrap.bind(i == 0 ? address : bound.get(0).localAddress()).awaitUninterruptibly();
            if (!bind.isSuccess()) {
                bound.forEach(c -> c.close().awaitUninterruptibly());
                throw RelayStartException.cannotListen(endpoint, bind.cause());
            }
            bound.add(bind.channel());
        }
        return bound;
    }

    /**
     * The listen address, with a hostname looked up here, once, on the starting thread (never an event loop);
     * null when the name does not resolve.
     */
    private SocketAddress resolveListenAddress(Endpoint listen) {
        SocketAddress address = transport.addressFor(listen);
        if (address instanceof InetSocketAddress inet && inet.isUnresolved()) {
            InetSocketAddress resolved = new InetSocketAddress(inet.getHostString(), inet.getPort());
            return resolved.isUnresolved() ? null : resolved;
        }
        return address;
    }
}
