package dev.relay.core.proxy;

import dev.relay.core.proxy.splice.SpliceNative;
import dev.relay.core.config.Endpoint;
import dev.relay.core.transport.Transport;
import dev.relay.core.upstream.Upstream;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPromise;
import io.netty.channel.ReflectiveChannelFactory;
import io.netty.resolver.AddressResolver;
import io.netty.resolver.AddressResolverGroup;

import java.net.SocketAddress;

/**
 * Connects a route's clients to its upstreams with real sockets, on the client's own event loop. It does by hand
 * what {@code Bootstrap.clone(loop).connect(...)} would: a channel from a factory made once, the relay's
 * flow-control options set on it, registered on the client's loop, then connected there at once. The bootstrap
 * copied its option maps for every connection and posted the connect to the loop as a task even from that loop.
 * Thread-safe: it keeps nothing per connection.
 */
final class SocketDialer implements UpstreamDialer {

    private final RouteContext route;
    private final Transport transport;
    private final AddressResolverGroup<? extends SocketAddress> resolver;
    private final boolean spliceAllowed;
    private final ChannelFactory<? extends Channel> tcpChannels;
    private final ChannelFactory<? extends Channel> unixChannels;
    private final boolean unixHalfCloses;

    SocketDialer(RouteContext route, Transport transport, AddressResolverGroup<? extends SocketAddress> resolver,
                    boolean spliceAllowed) {
        this.route = route;
        this.transport = transport;
        this.resolver = resolver;
        this.spliceAllowed = spliceAllowed;
        this.tcpChannels = new ReflectiveChannelFactory<>(transport.socketChannel());
        // Unix sockets half-close only where the transport's domain channels can (Transport.halfClosesUnixSockets);
        // elsewhere a FIN on a Unix socket ends that side.
        this.unixChannels = transport.supportsUnixSockets()
                ? new ReflectiveChannelFactory<>(transport.domainSocketChannel()) : null;
        this.unixHalfCloses = transport.halfClosesUnixSockets();
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
        Channel channel;
        try {
            channel = (tcp ? tcpChannels : unixChannels).newChannel();
        } catch (ChannelException noSocket) {
            return noSocket(client.eventLoop(), noSocket);
        }
        ChannelConfig config = channel.config();
        config.setOption(ChannelOption.WRITE_BUFFER_WATER_MARK, FlowControl.waterMark());
        config.setOption(ChannelOption.RCVBUF_ALLOCATOR, FlowControl.readAllocator());
        config.setOption(ChannelOption.AUTO_CLOSE, false);
        config.setOption(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) budgetMillis);
        // A pair that may be spliced reads nothing on the upstream until it is spliced or, failing that, relayed.
        config.setOption(ChannelOption.AUTO_READ, !splice);
        // TCP_NODELAY is Netty's default for TCP channels already: setting it again is a wasted system call.
        if (tcp || unixHalfCloses) {
            config.setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        }
        if (tcp && KeepAlive.matters(state.config().timeouts().idle())) {
            config.setOption(ChannelOption.SO_KEEPALIVE, true);
        }
        channel.pipeline().addLast(new UpstreamInitializer(client, state.config().sendProxy(), route.upstreamTls(),
                upstream, connection, splice));
        ChannelPromise connected = channel.newPromise();
        // A failed connect leaves the socket open on the native transports: close it, as Bootstrap would.
        connected.addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        // One address object per upstream, shared by its connections.
        SocketAddress address = upstream.dialAddress(transport);
        client.eventLoop().register(channel).addListener(registered -> {
            if (!registered.isSuccess()) {
                channel.unsafe().closeForcibly();
                connected.setFailure(registered.cause());
            } else {
                connect(channel, upstream, address, connected);
            }
        });
        return connected;
    }

    /**
     * The failed connect of a socket that could not be made (out of descriptors, most often): Bootstrap's own failed
     * future, whose stand-in channel the frontend treats as it always did (it waits for a descriptor and dials again).
     */
    private static ChannelFuture noSocket(EventLoop loop, ChannelException cause) {
        return new Bootstrap().group(loop)
                .channelFactory(() -> {
                    throw cause;
                })
                .handler(new ChannelInboundHandlerAdapter())
                .register();
    }

    /** Connects, looking the address up first when the upstream is a name. */
    private void connect(Channel channel, Upstream upstream, SocketAddress address, ChannelPromise connected) {
        AddressResolver<? extends SocketAddress> names = upstream.resolverFrom(resolver).getResolver(channel.eventLoop());
        if (!names.isSupported(address) || names.isResolved(address)) {
            channel.connect(address, connected);
            return;
        }
        names.resolve(address).addListener(lookup -> {
            if (lookup.isSuccess()) {
                channel.connect((SocketAddress) lookup.getNow(), connected);
            } else {
                channel.close();
                connected.tryFailure(lookup.cause());
            }
        });
    }
}
