package dev.relay.core;

import dev.relay.core.config.Endpoint;
import dev.relay.core.proxy.RouteContext;
import io.netty.channel.Channel;

/**
 * One bound listen address and the route it currently feeds. A reload may hand the address to another route
 * without closing the socket, so no client is refused while a route moves.
 */
final class Listener {

    private final Endpoint endpoint;
    private volatile RouteContext route;
    private Channel channel;

    Listener(Endpoint endpoint, RouteContext route) {
        this.endpoint = endpoint;
        this.route = route;
    }

    Endpoint endpoint() {
        return endpoint;
    }

    RouteContext route() {
        return route;
    }

    void route(RouteContext value) {
        route = value;
    }

    Channel channel() {
        return channel;
    }

    void bound(Channel value) {
        channel = value;
    }
}
