package dev.relay.core.config;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One route: the addresses it listens on, the upstreams it relays to, and how. Immutable and checked, so a
 * {@code RouteConfig} that exists can be run.
 *
 * @param name           unique within a config; names the route in logs and metrics
 * @param listen         where clients connect (one or more addresses)
 * @param upstreams      where clients are relayed to
 * @param balance        how new connections are spread over healthy upstreams
 * @param healthCheck    active checks and passive ejection
 * @param connectRetries further upstreams tried after a failed connect, within the connect timeout
 * @param timeouts       connect budget, idle timeout, maximum connection duration
 * @param limits         connection limits for the route and per client address (sessions on a UDP route)
 * @param acl            which client addresses are served
 * @param hexdump        log every relayed chunk as a hex dump
 * @param capture        write the route's traffic to a pcap file
 * @param proxyProtocol  accept a PROXY protocol header from trusted peers
 * @param sendProxy      send one to upstreams
 * @param tls            terminate TLS on the route's listeners
 * @param upstreamTls    originate TLS to the upstreams
 * @param serverNames    the TLS server names this route answers on listen addresses it shares with other routes
 * @param protocol       TCP connections, or UDP datagrams with a session per client ({@link UdpRouteRules} says what
 *                       a UDP route cannot have; its limits count sessions)
 * @param udp            what only a UDP route has: reply and request counts that end a session, the largest datagram
 * @param toxics         faults the route always has, each with its scope and schedule (docs/toxics.md); a reload
 *                       applies a change to open connections too
 * @param discovery      where the upstreams come from when {@code upstreams} is empty: DNS SRV or Kubernetes
 *                       (docs/discovery.md); {@link UpstreamDiscovery#NONE} for the written list
 */
public record RouteConfig(
        String name,
        List<Endpoint> listen,
        List<UpstreamConfig> upstreams,
        Balance balance,
        HealthCheckConfig healthCheck,
        int connectRetries,
        RouteTimeouts timeouts,
        RouteLimits limits,
        Acl acl,
        boolean hexdump,
        CaptureConfig capture,
        ProxyProtocolConfig proxyProtocol,
        SendProxy sendProxy,
        TlsConfig tls,
        UpstreamTlsConfig upstreamTls,
        ServerNames serverNames,
        Protocol protocol,
        UdpOptions udp,
        List<Toxic> toxics,
        UpstreamDiscovery discovery) {

    public static final Balance DEFAULT_BALANCE = Balance.ROUND_ROBIN;
    public static final int DEFAULT_CONNECT_RETRIES = 2;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

    public RouteConfig {
        Checks.require(name != null && NAME.matcher(name).matches(),
                "name: \"" + name + "\" (expected: 1-64 letters, digits, '_', '.' or '-', starting with a letter or digit)");
        Checks.require(listen != null && !listen.isEmpty(), "route " + name + ": listen is empty (expected: an address)");
        Checks.require(discovery != null, "route " + name + ": discovery missing (use UpstreamDiscovery.NONE)");
        Checks.require(upstreams != null, "route " + name + ": upstreams missing");
        if (discovery == UpstreamDiscovery.NONE) {
            Checks.require(!upstreams.isEmpty(), "route " + name + ": upstreams is empty (expected: at least one address)");
        } else {
            Checks.require(upstreams.isEmpty(), "route " + name + ": upstreams are discovered from "
                    + discovery.describe() + " (expected: no written upstreams beside it)");
        }
        listen = List.copyOf(listen);
        upstreams = List.copyOf(upstreams);
        Checks.require(new HashSet<>(listen).size() == listen.size(), "route " + name + ": a listen address is repeated");
        Set<Endpoint> seen = new HashSet<>();
        for (UpstreamConfig upstream : upstreams) {
            Checks.require(seen.add(upstream.address()),
                    "route " + name + ": upstream " + upstream.address() + " is listed twice");
        }
        Checks.require(upstreams.isEmpty() || upstreams.stream().anyMatch(u -> !u.backup()),
                "route " + name + ": every upstream is a backup (expected: at least one primary)");
        Checks.require(balance != null, "route " + name + ": balance missing");
        Checks.require(healthCheck != null && timeouts != null && limits != null && acl != null,
                "route " + name + ": health_check, timeouts, limits and acl are required (use the defaults)");
        Checks.range("connect_retries", connectRetries, 0, 100);
        Checks.require(capture != null, "route " + name + ": capture missing (use CaptureConfig.NONE)");
        Checks.require(tls != null, "route " + name + ": tls missing (use TlsConfig.NONE)");
        Checks.require(upstreamTls != null, "route " + name + ": upstream_tls missing (use UpstreamTlsConfig.OFF)");
        Checks.require(proxyProtocol != null && sendProxy != null,
                "route " + name + ": proxy_protocol and send_proxy are required (use ProxyProtocolConfig.OFF, SendProxy.NONE)");
        Checks.require(serverNames != null, "route " + name + ": server_names missing (use ServerNames.ANY)");
        Checks.require(protocol != null && udp != null,
                "route " + name + ": protocol and udp are required (use Protocol.TCP, UdpOptions.DEFAULT)");
        Checks.require(toxics != null, "route " + name + ": toxics missing (use List.of())");
        toxics = List.copyOf(toxics);
        Set<String> toxicNames = new HashSet<>();
        for (Toxic toxic : toxics) {
            Checks.require(toxicNames.add(toxic.name()), "route " + name + ": toxic " + toxic.name() + " is named twice");
            Checks.require(toxic.type().appliesTo(protocol == Protocol.UDP), "route " + name + ": toxic "
                    + toxic.name() + ": " + toxic.type().label() + " is for " + (protocol == Protocol.UDP
                    ? "TCP routes (a UDP route takes latency, bandwidth, drop and duplicate)" : "UDP routes"));
        }
        if (protocol == Protocol.UDP) {
            UdpRouteRules.check(name, listen, upstreams, timeouts, limits, hexdump, capture, sendProxy, tls,
                    upstreamTls, serverNames);
        } else {
            Checks.require(healthCheck.send().isEmpty(), "route " + name + ": health_check.send is for UDP routes "
                    + "(a TCP check connects)");
        }
    }

    /** The idle timeout a UDP route has when none is given: a minute. */
    public static final java.time.Duration DEFAULT_UDP_IDLE = UdpRouteRules.DEFAULT_IDLE;
    /** The sessions a UDP route opens at most when none is given: a flood of new client addresses stops there. */
    public static final int DEFAULT_UDP_MAX_SESSIONS = 10_000;

    /** Whether the upstreams are discovered at run time rather than written. */
    public boolean discovers() {
        return discovery != UpstreamDiscovery.NONE;
    }

    /** The upstreams as a log line shows them: the written addresses, or the discovery source. */
    public String upstreamsText() {
        return discovers() ? discovery.describe()
                : upstreams.stream().map(u -> u.address().toString()).collect(java.util.stream.Collectors.joining(", "));
    }

    public boolean isUdp() {
        return protocol == Protocol.UDP;
    }

    /** A route with every default, relaying {@code listen} to {@code target}. */
    public static RouteConfig of(String name, Endpoint listen, Endpoint target) {
        return builder(name).listen(listen).upstream(target).build();
    }

    /** Whether this route listens on or dials a Unix socket. */
    public boolean usesUnixSockets() {
        return listen.stream().anyMatch(Endpoint.Unix.class::isInstance)
                || upstreams.stream().anyMatch(upstream -> upstream.address() instanceof Endpoint.Unix);
    }

    /** A route named {@code name} with every default; add at least one listen address and one upstream. */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    public Builder toBuilder() {
        Builder b = new Builder(name);
        b.listen.addAll(listen);
        b.upstreams.addAll(upstreams);
        // The protocol first: it may set the timeouts' defaults, which the route's own timeouts then replace.
        return b.protocol(protocol).udp(udp).balance(balance).healthCheck(healthCheck).connectRetries(connectRetries)
                .timeouts(timeouts).limits(limits).acl(acl).hexdump(hexdump).capture(capture)
                .proxyProtocol(proxyProtocol).sendProxy(sendProxy).tls(tls).upstreamTls(upstreamTls)
                .serverNames(serverNames).toxics(toxics).discovery(discovery);
    }

    /** Fills in the defaults; {@link #build()} validates. */
    public static final class Builder {
        private final String name;
        private final List<Endpoint> listen = new java.util.ArrayList<>();
        private final List<UpstreamConfig> upstreams = new java.util.ArrayList<>();
        private Balance balance = DEFAULT_BALANCE;
        private HealthCheckConfig healthCheck = HealthCheckConfig.OFF;
        private int connectRetries = DEFAULT_CONNECT_RETRIES;
        private RouteTimeouts timeouts = RouteTimeouts.DEFAULT;
        private RouteLimits limits = RouteLimits.NONE;
        private Acl acl = Acl.OPEN;
        private boolean hexdump;
        private CaptureConfig capture = CaptureConfig.NONE;
        private ProxyProtocolConfig proxyProtocol = ProxyProtocolConfig.OFF;
        private SendProxy sendProxy = SendProxy.NONE;
        private TlsConfig tls = TlsConfig.NONE;
        private UpstreamTlsConfig upstreamTls = UpstreamTlsConfig.OFF;
        private ServerNames serverNames = ServerNames.ANY;
        private Protocol protocol = Protocol.TCP;
        private UdpOptions udp = UdpOptions.DEFAULT;
        private final List<Toxic> toxics = new java.util.ArrayList<>();
        private UpstreamDiscovery discovery = UpstreamDiscovery.NONE;

        private Builder(String name) {
            this.name = name;
        }

        public Builder listen(Endpoint value) { listen.add(value); return this; }
        public Builder clearListen() { listen.clear(); return this; }
        public Builder upstream(Endpoint value) { upstreams.add(UpstreamConfig.of(value)); return this; }
        public Builder upstream(UpstreamConfig value) { upstreams.add(value); return this; }
        public Builder clearUpstreams() { upstreams.clear(); return this; }
        public Builder balance(Balance value) { balance = value; return this; }
        public Builder healthCheck(HealthCheckConfig value) { healthCheck = value; return this; }
        public Builder connectRetries(int value) { connectRetries = value; return this; }
        public Builder timeouts(RouteTimeouts value) { timeouts = value; return this; }
        public Builder limits(RouteLimits value) { limits = value; return this; }
        public Builder acl(Acl value) { acl = value; return this; }
        public Builder hexdump(boolean value) { hexdump = value; return this; }
        public Builder capture(CaptureConfig value) { capture = value; return this; }
        public Builder proxyProtocol(ProxyProtocolConfig value) { proxyProtocol = value; return this; }
        public Builder sendProxy(SendProxy value) { sendProxy = value; return this; }
        public Builder tls(TlsConfig value) { tls = value; return this; }
        public Builder upstreamTls(UpstreamTlsConfig value) { upstreamTls = value; return this; }
        public Builder serverNames(ServerNames value) { serverNames = value; return this; }
        public Builder udp(UdpOptions value) { udp = value; return this; }
        public Builder toxic(Toxic value) { toxics.add(value); return this; }
        public Builder toxics(List<Toxic> value) { toxics.clear(); toxics.addAll(value); return this; }
        /** Upstreams discovered from DNS SRV or Kubernetes instead of a written list. */
        public Builder discovery(UpstreamDiscovery value) { discovery = value; return this; }

        /** TCP or UDP; a UDP route whose timeouts were left at TCP's defaults gets a UDP session's idle minute. */
        public Builder protocol(Protocol value) {
            protocol = value;
            if (value == Protocol.UDP && timeouts.equals(RouteTimeouts.DEFAULT)) {
                timeouts = new RouteTimeouts(timeouts.connect(), DEFAULT_UDP_IDLE, timeouts.maxDuration(),
                        timeouts.handshake());
            }
            if (value == Protocol.UDP && limits.equals(RouteLimits.NONE)) {
                limits = new RouteLimits(DEFAULT_UDP_MAX_SESSIONS, 0);
            }
            return this;
        }

        public RouteConfig build() {
            return new RouteConfig(name, listen, upstreams, balance, healthCheck, connectRetries, timeouts, limits,
                    acl, hexdump, capture, proxyProtocol, sendProxy, tls, upstreamTls, serverNames, protocol, udp, toxics,
                    discovery);
        }
    }
}
