package dev.relay.core.config;

import java.time.Duration;
import java.util.List;

/**
 * What a UDP route cannot have, checked where a {@link RouteConfig} is made. Datagrams carry no stream to
 * terminate TLS on, to route by server name or to dump as one, and the text PROXY header (v1) has no form for
 * them; the listen addresses and upstreams are IP addresses or hostnames, as UDP has no Unix-socket form here.
 */
final class UdpRouteRules {

    /** Sessions of datagram protocols are short: a minute, as nginx and Envoy have it, not TCP's hour. */
    static final Duration DEFAULT_IDLE = Duration.ofSeconds(60);

    private UdpRouteRules() {
    }

    static void check(String name, List<Endpoint> listen, List<UpstreamConfig> upstreams, RouteTimeouts timeouts,
                      RouteLimits limits, boolean hexdump, CaptureConfig capture, SendProxy sendProxy, TlsConfig tls,
                      UpstreamTlsConfig upstreamTls, ServerNames serverNames) {
        String route = "route " + name + " (udp): ";
        Checks.require(listen.stream().allMatch(Endpoint.Inet.class::isInstance),
                route + "listen must be IP addresses or hostnames with a port, not Unix sockets");
        Checks.require(upstreams.stream().allMatch(u -> u.address() instanceof Endpoint.Inet),
                route + "upstreams must be IP addresses or hostnames with a port, not Unix sockets");
        Checks.require(!timeouts.idle().isZero(), route + "timeouts.idle must be more than 0 (a session with no idle "
                + "timeout would never end)");
        Checks.require(limits.maxConnections() > 0, route + "limits.max_sessions must be more than 0 (without a "
                + "limit, a flood of new client addresses would take memory without bound)");
        Checks.require(!tls.enabled() && !upstreamTls.enabled(), route + "tls and upstream_tls are for TCP routes");
        Checks.require(!serverNames.any(), route + "server_names are for TCP routes (they come from a TLS ClientHello)");
        Checks.require(!hexdump, route + "hexdump is for TCP routes");
        Checks.require(!capture.configured(), route + "capture is for TCP routes for now");
        Checks.require(sendProxy != SendProxy.V1, route + "send_proxy: v1 (expected: none or v2; a datagram carries "
                + "the binary header only)");
    }
}
