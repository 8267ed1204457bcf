package dev.relay.core.server;

import dev.relay.core.base.RelayStartException;
import dev.relay.core.config.Endpoint;
import dev.relay.core.config.ServerConfig;
import dev.relay.core.config.UnixSocketMode;
import dev.relay.core.handover.InheritedSocket;
import dev.relay.core.handover.InheritedSockets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import dev.relay.core.server.AcceptFailureHandler;
import dev.relay.core.base.Failures;
import dev.relay.core.proxy.RelayChannelInitializer;
import dev.relay.core.proxy.ListenerRoutes;
import dev.relay.core.transport.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ReflectiveChannelFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Files;
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

    private static final Logger log = LoggerFactory.getLogger(ListenerBinder.class);

    private final Transport transport;
    private final EventLoopGroup ioGroup;
    private final InheritedSockets inherited;

    ListenerBinder(Transport transport, EventLoopGroup ioGroup, InheritedSockets inherited) {
        this.transport = transport;
        this.ioGroup = ioGroup;
        this.inherited = inherited;
    }

    /**
     * Binds {@code endpoint}: once, accepting on one io loop (the connections it accepts go to every loop in turn);
     * or with {@code reuse_port} on TCP, once per event loop, each socket accepting on its own loop and keeping
     * the connections it accepts there, so the kernel spreads new connections over all of them.
     */
    List<Channel> bind(Endpoint endpoint, Supplier<ListenerRoutes> routes, ServerConfig settings) {
        List<InheritedSocket> passed = inherited.takeAll(endpoint, false, routes.get().names());
        if (!passed.isEmpty()) {
            List<Channel> served = new ArrayList<>();
            for (InheritedSocket socket : passed) {
                served.add(serve(socket, endpoint, routes, settings));
            }
            return served;
        }
        boolean spread = settings.reusePort() && endpoint instanceof Endpoint.Inet;
        SocketAddress address = resolveListenAddress(endpoint);
        if (address == null) {
            throw new RelayStartException("cannot listen on " + endpoint + ": cannot resolve "
                    + ((Endpoint.Inet) endpoint).host(), null);
        }
        // With SO_REUSEPORT, each copy accepts on its own loop and keeps what it accepts there: the kernel has
        // already spread the connections, and handing them on would wake another loop for each.
        List<EventLoopGroup> acceptors = new ArrayList<>();
        if (spread) {
            ioGroup.forEach(loop -> acceptors.add((EventLoop) loop));
        } else {
            acceptors.add(ioGroup);
        }
        UnixListenPath.claim(endpoint);
        List<Channel> bound = new ArrayList<>();
        for (EventLoopGroup acceptor : acceptors) {
            ServerBootstrap bootstrap = bootstrap(acceptor, endpoint, routes, settings, spread,
                    new ReflectiveChannelFactory<>(transport.serverChannelFor(endpoint)));
            // Port 0 picks a port on the first bind; the other copies must share it.
            SocketAddress at = bound.isEmpty() ? address : bound.get(0).localAddress();
            ChannelFuture bind = bootstrap.bind(at).awaitUninterruptibly();
            if (!bind.isSuccess()) {
                bound.forEach(c -> c.close().awaitUninterruptibly());
                throw RelayStartException.cannotListen(endpoint, bind.cause());
            }
            bound.add(bind.channel());
        }
        if (endpoint instanceof Endpoint.Unix unix && settings.unixSocketMode().isSet()) {
            setMode(unix, settings.unixSocketMode(), bound);
        }
        return bound;
    }

    /**
     * Serves a socket this process was passed, bound and listening already: registered on one io loop, never bound
     * again, so the connections the kernel queued while no process listened are accepted here.
     */
    private Channel serve(InheritedSocket passed, Endpoint endpoint, Supplier<ListenerRoutes> routes,
                          ServerConfig settings) {
        ServerBootstrap bootstrap = bootstrap(ioGroup, endpoint, routes, settings, false,
                () -> transport.serverChannelOn(passed.fd(), endpoint));
        ChannelFuture registered = bootstrap.register().awaitUninterruptibly();
        if (!registered.isSuccess()) {
            throw new RelayStartException("cannot serve " + passed + " for " + endpoint + ": "
                    + Failures.describe(registered.cause()), registered.cause());
        }
        log.info("serving {} for {} (passed to this process)", passed, endpoint);
        return registered.channel();
    }

    /** Gives a bound Unix socket its mode; when that fails, the listener is closed and the start or reload fails. */
    private static void setMode(Endpoint.Unix endpoint, UnixSocketMode mode, List<Channel> bound) {
        try {
            Files.setPosixFilePermissions(endpoint.path(), mode.permissions());
        } catch (IOException | RuntimeException e) {
            bound.forEach(c -> c.close().awaitUninterruptibly());
            throw new RelayStartException("cannot listen on " + endpoint + ": cannot set its mode to " + mode + ": "
                    + Failures.describe(e), e);
        }
    }

    /** A listener on {@code loops}: it accepts on one of them and gives each connection to the next in turn. */
    private ServerBootstrap bootstrap(EventLoopGroup loops, Endpoint endpoint, Supplier<ListenerRoutes> routes,
                                      ServerConfig settings, boolean reusePort,
                                      ChannelFactory<? extends ServerChannel> channels) {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(loops, loops)
                .channelFactory(channels)
                .option(ChannelOption.SO_BACKLOG, settings.backlog())
                .handler(new AcceptFailureHandler(endpoint))
                .childOption(ChannelOption.AUTO_READ, false)
                .childHandler(new RelayChannelInitializer(routes));
        if (transport.halfClosesOn(endpoint)) {
            bootstrap.childOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        }
        if (endpoint instanceof Endpoint.Inet) {
            // TCP_NODELAY is not set here: Netty turns it on for every TCP channel it makes, and asking again costs a
            // setsockopt(2) per connection (RouteContext does the same for the upstream side; SocketOptionsTest
            // checks both). SO_KEEPALIVE is the route's to decide (FrontendHandler, KeepAlive).
            bootstrap.option(ChannelOption.SO_REUSEADDR, true);
        }
        if (reusePort) {
            bootstrap.option(transport.reusePortOption(), true);
        }
        RelayChannelInitializer.applyFlowControl(bootstrap);
        return bootstrap;
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
