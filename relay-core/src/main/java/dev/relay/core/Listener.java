package dev.relay.core;

import dev.relay.core.proxy.RouteContext;
import io.netty.channel.Channel;

import java.net.SocketAddress;
import java.util.List;

/**
 * One bound listen address and the route it currently feeds. A reload may hand the address to another route
 * without closing the socket, so no client is refused while a route moves.
 */
final class Listener {

    private volatile RouteContext route;
    private List<Channel> channels = List.of();

    Listener(RouteContext route) {
        this.route = route;
    }

    RouteContext route() {
        return route;
    }

    void route(RouteContext value) {
        route = value;
    }

    /** The bound sockets: one, or one per event loop with SO_REUSEPORT. */
    List<Channel> channels() {
        return channels;
    }

    void bound(List<Channel> value) {
        channels = List.copyOf(value);
    }

    SocketAddress localAddress() {
        return channels.get(0).localAddress();
    }

    void close() {
        channels.forEach(c -> c.close().awaitUninterruptibly());
    }
}
