package dev.relay.core.proxy;

import dev.relay.core.proxy.splice.SpliceNative;
import dev.relay.core.config.Endpoint;
import dev.relay.core.transport.Transport;
import dev.relay.core.upstream.Upstream;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.resolver.AddressResolverGroup;

import java.net.SocketAddress;

/**
 * Connects a route's clients to its upstreams with real sockets, on the client's own event loop, from a bootstrap
 * template per address family that carries the relay's flow-control options. Thread-safe: the templates are only
 * cloned.
 */
final class BootstrapDialer implements UpstreamDialer {

    private final RouteContext route;
    private final Transport transport;
    private final AddressResolverGroup<? extends SocketAddress> resolver;
    private final boolean spliceAllowed;
    private final Bootstrap tcpTemplate;
    private final Bootstrap unixTemplate;

    BootstrapDialer(RouteContext route, Transport transport, AddressResolverGroup<? extends SocketAddress> resolver,
                    boolean spliceAllowed) {
        this.route = route;
        this.transport = transport;
        this.resolver = resolver;
        this.spliceAllowed = spliceAllowed;
        // TCP_NODELAY is Netty's default for TCP channels already: setting it again is a wasted system call.
        // SO_KEEPALIVE is set per connect, where the route's idle timeout leaves it something to do.
        this.tcpTemplate = template(transport.socketChannel())
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true);
        // Unix sockets half-close only where the transport's domain channels can (Transport.halfClosesUnixSockets);
        // elsewhere a FIN on a Unix socket ends that side.
        this.unixTemplate = transport.supportsUnixSockets() ? template(transport.domainSocketChannel()) : null;
        if (unixTemplate != null && transport.halfClosesUnixSockets()) {
            unixTemplate.option(ChannelOption.ALLOW_HALF_CLOSURE, true);
        }
    }

    private static Bootstrap template(Class<? extends Channel> channel) {
        return new Bootstrap()
                .channel(channel)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, FlowControl.waterMark())
                .option(ChannelOption.RCVBUF_ALLOCATOR, FlowControl.readAllocator())
                .option(ChannelOption.AUTO_CLOSE, false);
    }

    /**
     * Splicing is on, both sides are TCP on epoll, and nothing on the route needs to see the bytes (hex dump,
     * capture, TLS either way, toxics). Bytes already read from the client (a PROXY header's tail, a ClientHello
     * read for routing) are written first by the splice path.
     */
    @Override
    public boolean maySplice(Channel client, RouteContext.State state, Upstream upstream) {
        return spliceAllowed
                && SpliceNative.supports(client)
                && upstream.address() instanceof Endpoint.Inet
                && !state.config().hexdump()
                && route.capture() == null
                && route.tls() == null
                && route.upstreamTls() == null
                && route.toxics().isEmpty();
    }

    @Override
    public ChannelFuture dial(Channel client, RouteContext.State state, Upstream upstream, RelayConnection connection,
                              boolean splice, long budgetMillis) {
        // A Unix upstream on a transport without Unix sockets never gets here: the server refuses such a config.
        boolean tcp = !(upstream.address() instanceof Endpoint.Unix);
        Bootstrap connect = (tcp ? tcpTemplate : unixTemplate).clone(client.eventLoop())
                .resolver(upstream.resolverFrom(resolver))
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) budgetMillis)
                // A pair that may be spliced reads nothing on the upstream until it is spliced or, failing that, relayed.
                .option(ChannelOption.AUTO_READ, !splice)
                .handler(new UpstreamInitializer(client, state.config().sendProxy(), route.upstreamTls(), upstream,
                        connection, splice));
        if (tcp && KeepAlive.matters(state.config().timeouts().idle())) {
            connect.option(ChannelOption.SO_KEEPALIVE, true);
        }
        // One address object per upstream, shared by its connections.
        return connect.connect(upstream.dialAddress(transport));
    }
}
