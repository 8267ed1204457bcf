package dev.relay.core.config.file;

import dev.relay.core.config.Acl;
import dev.relay.core.config.Balance;
import dev.relay.core.config.ByteSizes;
import dev.relay.core.config.CaptureConfig;
import dev.relay.core.config.Cidr;
import dev.relay.core.config.Endpoint;
import dev.relay.core.config.HealthCheckConfig;
import dev.relay.core.config.ListenerSharing;
import dev.relay.core.config.Protocol;
import dev.relay.core.config.ProxyProtocolConfig;
import dev.relay.core.config.RouteConfig;
import dev.relay.core.config.RouteLimits;
import dev.relay.core.config.RouteTimeouts;
import dev.relay.core.config.SendProxy;
import dev.relay.core.config.TlsConfig;
import dev.relay.core.config.UpstreamTlsConfig;
import dev.relay.core.config.ServerNames;
import dev.relay.core.config.UpstreamConfig;
import dev.relay.core.config.UdpOptions;
import dev.relay.core.config.Toxic;
import dev.relay.core.config.UpstreamDiscovery;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads one route of a config file, with every section a route may have (upstreams, health check, timeouts,
 * limits, ACL, capture, PROXY protocol, TLS both ways, server names); problems are noted, not thrown.
 */
final class RouteReader {

    static final String[] ROUTE_KEYS = {"name", "listen", "upstreams", "balance", "health_check",
            "connect_retries", "timeouts", "limits", "acl", "hexdump", "capture", "proxy_protocol", "send_proxy",
            "tls", "upstream_tls", "server_names", "protocol", "responses", "requests", "max_datagram_size", "toxics"};
    /** Route keys about streams, which a UDP route cannot have. */
    private static final String[] TCP_ONLY_KEYS = {"connect_retries", "hexdump", "capture", "tls", "upstream_tls",
            "server_names"};
    private static final String[] UDP_ONLY_KEYS = {"responses", "requests", "max_datagram_size"};

    private final Problems problems;
    private final Records records;

    private final ToxicReader toxicReader;
    private final DiscoveryReader discoveryReader;

    RouteReader(Problems problems) {
        this.problems = problems;
        this.records = new Records(problems);
        this.toxicReader = new ToxicReader(problems);
        this.discoveryReader = new DiscoveryReader(problems);
    }

    private CaptureConfig capture(Section c) {
        c.allowOnly("capture", "pcap", "max_bytes", "enabled");
        if (c.node() == null) {
            return CaptureConfig.NONE;
        }
        Path pcap = c.scalar("pcap", null, Path::of);
        if (pcap == null) {
            problems.at(c.node(), "capture: pcap missing (expected: a file to write)");
        }
        long maxBytes = c.scalar("max_bytes", CaptureConfig.DEFAULT_MAX_BYTES, ByteSizes::parse);
        boolean enabled = c.bool("enabled", true);
        return records.build(c.node(), () -> new CaptureConfig(pcap, maxBytes, enabled), CaptureConfig.NONE);
    }
    private UpstreamTlsConfig upstreamTls(Section t) {
        t.allowOnly("upstream_tls", "enabled", "ca_file", "server_name", "client_cert", "client_key",
                "insecure_skip_verify");
        if (t.node() == null) {
            return UpstreamTlsConfig.OFF;
        }
        boolean enabled = t.bool("enabled", true);
        Path ca = t.scalar("ca_file", null, Path::of);
        String serverName = t.string("server_name", null);
        Path cert = t.scalar("client_cert", null, Path::of);
        Path key = t.scalar("client_key", null, Path::of);
        boolean insecure = t.bool("insecure_skip_verify", false);
        return records.build(t.node(), () -> new UpstreamTlsConfig(enabled, ca, serverName, cert, key, insecure),
                UpstreamTlsConfig.OFF);
    }
    private TlsConfig tls(Section t) {
        t.allowOnly("tls", "certificates");
        List<TlsConfig.Certificate> certificates = new ArrayList<>();
        for (Node item : t.list("certificates")) {
            Section c = Section.of(item, "a certificate", "tls.certificates.", null, problems)
                    .allowOnly("a certificate", "cert", "key");
            Path cert = c.scalar("cert", null, Path::of);
            Path key = c.scalar("key", null, Path::of);
            if (cert == null || key == null) {
                problems.at(item, "tls.certificates: every entry needs cert and key");
            } else {
                certificates.add(new TlsConfig.Certificate(cert, key));
            }
        }
        if (t.node() != null && certificates.isEmpty() && t.value("certificates") == null) {
            problems.at(t.node(), "tls: certificates missing (expected: a list of {cert, key})");
        }
        return new TlsConfig(certificates);
    }
    private ProxyProtocolConfig proxyProtocol(Section p) {
        p.allowOnly("proxy_protocol", "accept", "trusted", "timeout");
        boolean accept = p.bool("accept", false);
        List<Cidr> trusted = p.listOf("trusted", Cidr::parse);
        var timeout = p.duration("timeout", ProxyProtocolConfig.DEFAULT_TIMEOUT);
        return records.build(p.node(), () -> new ProxyProtocolConfig(accept, trusted, timeout), ProxyProtocolConfig.OFF);
    }
    RouteConfig route(Section route, int index, Map<String, Node> names,
                              List<ListenerSharing.Claim> claims) {
        int problemsBefore = problems.count();
        Node nameNode = route.value("name");
        String name = route.string("name", null);
        if (nameNode == null) {
            problems.at(route.node(), "routes[" + index + "]: name missing");
            name = "routes[" + index + "]";
        } else if (names.putIfAbsent(name, nameNode) != null) {
            problems.at(nameNode, "duplicate route name \"" + name + "\" (first at line "
                    + (names.get(name).getStartMark().map(m -> m.getLine() + 1).orElse(0)) + ")");
        }
        List<Endpoint> listen = endpoints(route, "listen");
        if (route.value("listen") == null) {
            problems.at(route.node(), "route " + name + ": listen missing (expected: an address or a list)");
        }
        Node upstreamsNode = route.value("upstreams");
        UpstreamDiscovery discovery = upstreamsNode instanceof MappingNode
                ? discoveryReader.read(upstreamsNode, name) : UpstreamDiscovery.NONE;
        List<UpstreamConfig> upstreams = upstreamsNode instanceof MappingNode ? List.of() : upstreams(route, name);
        Protocol protocol = route.scalar("protocol", Protocol.TCP, Protocol::parse);
        boolean udp = protocol == Protocol.UDP;
        for (String key : udp ? TCP_ONLY_KEYS : UDP_ONLY_KEYS) {
            Node own = route.ownKey(key);
            if (own != null) {
                problems.at(own, "route " + name + ": " + key + " is for " + (udp ? "TCP" : "UDP") + " routes");
            }
        }
        UdpOptions udpOptions = udpOptions(route);
        Balance balance = route.scalar("balance", RouteConfig.DEFAULT_BALANCE, Balance::parse);
        int retries = route.integer("connect_retries", RouteConfig.DEFAULT_CONNECT_RETRIES);
        HealthCheckConfig health = health(route.section("health_check"));
        RouteTimeouts timeouts = timeouts(route.section("timeouts"), udp);
        RouteLimits limits = limits(route.section("limits"), udp);
        Acl acl = acl(route.section("acl"));
        boolean hexdump = route.bool("hexdump", false);
        CaptureConfig capture = capture(route.section("capture"));
        ProxyProtocolConfig proxyProtocol = proxyProtocol(route.section("proxy_protocol"));
        SendProxy sendProxy = route.scalar("send_proxy", SendProxy.NONE, SendProxy::parse);
        TlsConfig tls = tls(route.section("tls"));
        UpstreamTlsConfig upstreamTls = upstreamTls(route.section("upstream_tls"));
        ServerNames serverNames = serverNames(route);
        List<Toxic> toxics = toxicReader.toxics(route);
        String routeName = name;
        claims.add(new ListenerSharing.Claim(routeName, listen, serverNames, proxyProtocol, protocol));
        if (problems.count() > problemsBefore) {
            return null; // its own checks would only repeat what was found, in vaguer words
        }
        return records.build(route.node(), () -> new RouteConfig(routeName, listen, upstreams, balance, health, retries,
                timeouts, limits, acl, hexdump, capture, proxyProtocol, sendProxy, tls, upstreamTls, serverNames, protocol,
                udpOptions, toxics, discovery));
    }
    private ServerNames serverNames(Section route) {
        // Each name is checked on its own line; the list as a whole (no repeats) where it starts.
        List<String> names = route.listOf("server_names", ServerNames::pattern);
        return records.build(route.value("server_names"), () -> new ServerNames(names), ServerNames.ANY);
    }
    private List<Endpoint> endpoints(Section section, String key) {
        return section.listOf(key, Endpoint::parse);
    }
    private List<UpstreamConfig> upstreams(Section route, String name) {
        Node node = route.value("upstreams");
        if (node == null) {
            problems.at(route.node(), "route " + name + ": upstreams missing (expected: a list of addresses, or dns_srv or kubernetes)");
            return List.of();
        }
        List<Node> items = route.list("upstreams");
        if (items.isEmpty()) {
            problems.at(node, "route " + name + ": upstreams is empty (expected: at least one address)");
        }
        List<UpstreamConfig> upstreams = new ArrayList<>();
        for (Node item : items) {
            int problemsBefore = problems.count();
            UpstreamConfig upstream = item instanceof ScalarNode
                    ? route.parse(item, "upstreams", null, text -> UpstreamConfig.of(Endpoint.parse(text)))
                    : upstream(Section.of(item, "an upstream", "", null, problems));
            if (upstream != null && problems.count() == problemsBefore) {
                upstreams.add(upstream);
            }
        }
        return upstreams;
    }
    private UpstreamConfig upstream(Section u) {
        u.allowOnly("an upstream", "address", "weight", "backup");
        Endpoint address = u.scalar("address", null, Endpoint::parse);
        if (u.value("address") == null) {
            problems.at(u.node(), "an upstream needs an address");
        }
        int weight = u.integer("weight", UpstreamConfig.DEFAULT_WEIGHT);
        boolean backup = u.bool("backup", false);
        return address == null ? null : records.build(u.value("weight"), () -> new UpstreamConfig(address, weight, backup));
    }
    private UdpOptions udpOptions(Section route) {
        UdpOptions d = UdpOptions.DEFAULT;
        int responses = route.integer("responses", d.responses());
        int requests = route.integer("requests", d.requests());
        int maxDatagramSize = route.scalar("max_datagram_size", d.maxDatagramSize(),
                text -> Math.toIntExact(Math.min(Integer.MAX_VALUE, ByteSizes.parse(text))));
        return records.build(route.node(), () -> new UdpOptions(responses, requests, maxDatagramSize), d);
    }
    private HealthCheckConfig health(Section h) {
        h.allowOnly("health_check", "interval", "timeout", "rise", "fall", "eject_after", "eject_for", "send");
        HealthCheckConfig d = HealthCheckConfig.OFF;
        var interval = h.duration("interval", d.interval());
        var timeout = h.duration("timeout", d.timeout());
        int rise = h.integer("rise", d.rise());
        int fall = h.integer("fall", d.fall());
        int ejectAfter = h.integer("eject_after", d.ejectAfter());
        var ejectFor = h.duration("eject_for", d.ejectFor());
        String send = h.string("send", d.send());
        return records.build(h.node(), () -> new HealthCheckConfig(interval, timeout, rise, fall, ejectAfter, ejectFor,
                send), d);
    }
    private RouteTimeouts timeouts(Section t, boolean udp) {
        t.allowOnly("timeouts", "connect", "idle", "max_duration", "handshake");
        RouteTimeouts d = RouteTimeouts.DEFAULT;
        if (udp) {
            for (String key : new String[] {"connect", "handshake"}) {
                if (t.ownKey(key) != null) {
                    problems.at(t.ownKey(key), "timeouts." + key + " is for TCP routes (a UDP session connects "
                            + "nothing and has no handshake)");
                }
            }
        }
        var connect = t.duration("connect", d.connect());
        var idle = t.duration("idle", udp ? RouteConfig.DEFAULT_UDP_IDLE : d.idle());
        var max = t.duration("max_duration", d.maxDuration());
        var handshake = t.duration("handshake", d.handshake());
        return records.build(t.node(), () -> new RouteTimeouts(connect, idle, max, handshake), d);
    }
    private RouteLimits limits(Section l, boolean udp) {
        l.allowOnly("limits", "max_connections", "max_connections_per_client", "max_sessions",
                "max_sessions_per_client");
        if (!udp) {
            for (String key : new String[] {"max_sessions", "max_sessions_per_client"}) {
                if (l.ownKey(key) != null) {
                    problems.at(l.ownKey(key), "limits." + key + " is for UDP routes (use max_connections)");
                }
            }
        }
        // On a UDP route the limits count sessions; max_connections says the same there.
        int route = udp ? l.integer("max_sessions", l.integer("max_connections", RouteConfig.DEFAULT_UDP_MAX_SESSIONS))
                : l.integer("max_connections", 0);
        int perClient = udp ? l.integer("max_sessions_per_client", l.integer("max_connections_per_client", 0))
                : l.integer("max_connections_per_client", 0);
        return records.build(l.node(), () -> new RouteLimits(route, perClient), RouteLimits.NONE);
    }
    private Acl acl(Section a) {
        a.allowOnly("acl", "allow", "deny");
        return new Acl(a.listOf("allow", Cidr::parse), a.listOf("deny", Cidr::parse));
    }
}
