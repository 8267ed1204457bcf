package dev.relay.core.server;

import dev.relay.core.config.Endpoint;
import dev.relay.core.proxy.ListenerRoutes;
import io.netty.channel.Channel;

import java.net.SocketAddress;
import java.util.List;

/**
 * One bound listen address and the routes it currently feeds (one, or several by server name). A reload may hand
 * the address to other routes without closing the socket, so no client is refused while a route moves.
 */
final class Listener {

    private final Endpoint endpoint;
    private volatile ListenerRoutes routes;
    private List<Channel> channels = List.of();

    Listener(Endpoint endpoint, ListenerRoutes routes) {
        this.endpoint = endpoint;
        this.routes = routes;
    }

    ListenerRoutes routes() {
        return routes;
    }

    void routes(ListenerRoutes value) {
        routes = value;
    }

    /** The bound sockets: one, or one per event loop with SO_REUSEPORT. */
    List<Channel> channels() {
        return channels;
    }

    void bound(List<Channel> value) {
        channels = List.copyOf(value);
    }

    /**
     * Where it listens: the bound address, or for a Unix socket passed to this process (whose channel Netty cannot
     * ask), its path.
     */
    SocketAddress localAddress() {
        SocketAddress bound = channels.get(0).localAddress();
        return bound != null ? bound : endpoint.toSocketAddress();
    }

    void close() {
        channels.forEach(c -> c.close().awaitUninterruptibly());
    }

    /**
     * Stops serving without removing a Unix socket's file: after a hand-over the socket is the new process's too,
     * and Netty's close would delete its path by name. Its descriptor is closed off the loop instead.
     */
    void closeKeepingFiles() {
        for (Channel channel : channels) {
            if (channel instanceof io.netty.channel.unix.ServerDomainSocketChannel unix) {
                channel.deregister().awaitUninterruptibly();
                try {
                    unix.fd().close();
                } catch (java.io.IOException e) {
                    // closed already
                }
            } else {
                channel.close().awaitUninterruptibly();
            }
        }
    }
}
