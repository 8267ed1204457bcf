package dev.relay.core.udp;

import dev.relay.core.RelayServer;
import dev.relay.core.config.Endpoint;
import dev.relay.core.config.Protocol;
import dev.relay.core.config.RouteConfig;
import dev.relay.core.config.ServerConfig;
import dev.relay.core.config.TransportKind;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.function.UnaryOperator;

/** A relay running one UDP route named "udp" on a loopback port, and what the tests read of it. */
final class UdpRelayUnderTest implements AutoCloseable {

    static final String ROUTE = "udp";

    private final RelayServer server;

    private UdpRelayUnderTest(RelayServer server) {
        this.server = server;
    }

    /** A UDP route from 127.0.0.1 (a port of its own) to {@code upstream}, tuned by {@code tune}. */
    static UdpRelayUnderTest start(TransportKind transport, int upstreamPort, UnaryOperator<RouteConfig.Builder> tune) {
        RouteConfig.Builder route = RouteConfig.builder(ROUTE).protocol(Protocol.UDP)
                .listen(new Endpoint.Inet("127.0.0.1", 0));
        if (upstreamPort > 0) {
            route.upstream(new Endpoint.Inet("127.0.0.1", upstreamPort));
        }
        // No drain on close: the tests that drain set their own timeout.
        return start(ServerConfig.of(tune.apply(route).build()).with(transport, 1, Duration.ZERO));
    }

    static UdpRelayUnderTest start(ServerConfig config) {
        return new UdpRelayUnderTest(RelayServer.start(config));
    }

    RelayServer server() {
        return server;
    }

    UdpRoute route() {
        return server.udpRoutes().get(ROUTE);
    }

    UdpCounters counters() {
        return route().counters();
    }

    int openSessions() {
        return route().openSessions();
    }

    InetSocketAddress localAddress() {
        return (InetSocketAddress) server.localAddresses(ROUTE).get(0);
    }

    @Override
    public void close() {
        server.close();
    }
}
