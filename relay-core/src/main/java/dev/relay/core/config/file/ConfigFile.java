package dev.relay.core.config.file;

import dev.relay.core.config.AccessLogConfig;
import dev.relay.core.config.Acl;
import dev.relay.core.config.AdminConfig;
import dev.relay.core.config.UnixSocketMode;
import dev.relay.core.config.Balance;
import dev.relay.core.config.ByteSizes;
import dev.relay.core.config.CaptureConfig;
import dev.relay.core.config.Cidr;
import dev.relay.core.config.ConfigException;
import dev.relay.core.config.DnsConfig;
import dev.relay.core.config.Endpoint;
import dev.relay.core.config.HealthCheckConfig;
import dev.relay.core.config.ListenerSharing;
import dev.relay.core.config.ProxyProtocolConfig;
import dev.relay.core.config.RouteConfig;
import dev.relay.core.config.RouteLimits;
import dev.relay.core.config.RouteTimeouts;
import dev.relay.core.config.SendProxy;
import dev.relay.core.config.TlsConfig;
import dev.relay.core.config.UpstreamTlsConfig;
import dev.relay.core.config.ServerConfig;
import dev.relay.core.config.ServerNames;
import dev.relay.core.config.UpstreamConfig;
import dev.relay.core.config.TransportKind;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Reads a relay config file (YAML) into a {@link ServerConfig}. Reports every problem, each as
 * {@code FILE:LINE:COL: message}, through a {@link ConfigFileException}; returns only a config that can run.
 * docs/relay.example.yaml shows every key.
 *
 * <p>Over 300 lines, knowingly: one reader per section in one nested class; per-section readers driven by one key
 * table (which would also feed the docs) are the planned split.
 */
public final class ConfigFile {

    private static final String[] TOP_KEYS =
            {"transport", "io_threads", "backlog", "reuse_port", "drain_timeout", "dns", "admin", "access_log",
                "defaults", "routes", "certificate_check_interval", "splice", "unix_socket_mode"};
    private static final String[] ROUTE_KEYS = {"name", "listen", "upstreams", "balance", "health_check",
            "connect_retries", "timeouts", "limits", "acl", "hexdump", "capture", "proxy_protocol", "send_proxy",
            "tls", "upstream_tls", "server_names"};
    private static final String[] DEFAULTS_KEYS = {"balance", "health_check", "connect_retries", "timeouts",
            "limits", "acl", "hexdump"};
    /**
     * Files larger than this are refused before parsing: a config is a few kilobytes, and one of a thousand routes
     * about 200 KiB. The bound keeps the parser's memory and time small whatever the file holds.
     */
    static final int MAX_FILE_BYTES = 1 << 20;

    private ConfigFile() {
    }

    /**
     * Reads and checks the file. Whatever the path names (a directory, a FIFO, a device, a huge or deeply nested
     * file), the answer is a config or a {@link ConfigFileException}, in bounded time and memory.
     */
    public static ServerConfig load(Path path) {
        String label = path.toString();
        String text;
        try {
            byte[] bytes = SmallFile.read(path, MAX_FILE_BYTES);
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (SmallFile.NotReadable e) {
            throw single(label, e.getMessage());
        } catch (CharacterCodingException e) {
            throw single(label, "not UTF-8 text");
        }
        return parse(label, text);
    }

    public static ServerConfig parse(String label, String text) {
        Problems problems = new Problems(label);
        Node root;
        try {
            LoadSettings settings = LoadSettings.builder().setLabel(label).setAllowDuplicateKeys(false)
                    .setCodePointLimit(MAX_FILE_BYTES).build();
            Optional<Mark> tooDeep = NestingDepth.firstBeyond(settings, text, NestingDepth.MAX);
            if (tooDeep.isPresent()) {
                problems.at(tooDeep, "nested more than " + NestingDepth.MAX
                        + " levels deep (a relay config needs fewer than ten)");
                throw new ConfigFileException(problems.list());
            }
            root = new Compose(settings).composeString(text).orElse(null);
        } catch (MarkedYamlEngineException e) {
            problems.at(e.getProblemMark(), "not valid YAML: " + e.getProblem());
            throw new ConfigFileException(problems.list());
        } catch (YamlEngineException e) {
            throw single(label, "not valid YAML: " + e.getMessage());
        }
        if (root == null) {
            throw single(label, "the file is empty (expected: at least one route under \"routes\")");
        }
        ServerConfig config = new Reader(problems).server(root);
        if (problems.any()) {
            throw new ConfigFileException(problems.list());
        }
        return config;
    }

    private static ConfigFileException single(String label, String message) {
        return new ConfigFileException(List.of(ConfigProblem.ofFile(label, message)));
    }

    /** One pass over the tree; records are built where they can be, problems noted where they cannot. */
    private static final class Reader {

        private final Problems problems;

        Reader(Problems problems) {
            this.problems = problems;
        }

        ServerConfig server(Node root) {
            Section top = Section.of(root, "the file", "", null, problems).allowOnly("the file", TOP_KEYS);
            TransportKind transport = top.scalar("transport", TransportKind.AUTO, TransportKind::parse);
            int ioThreads = top.integer("io_threads", 0);
            int backlog = top.integer("backlog", ServerConfig.DEFAULT_BACKLOG);
            boolean reusePort = top.bool("reuse_port", false);
            boolean splice = top.bool("splice", true);
            UnixSocketMode unixSocketMode = top.scalar("unix_socket_mode", UnixSocketMode.FROM_UMASK,
                    UnixSocketMode::parse);
            var drain = top.duration("drain_timeout", ServerConfig.DEFAULT_DRAIN_TIMEOUT);
            var certificateCheck = top.duration("certificate_check_interval",
                    ServerConfig.DEFAULT_CERTIFICATE_CHECK_INTERVAL);
            DnsConfig dns = dns(top.section("dns"));
            AdminConfig admin = admin(top.section("admin"));
            AccessLogConfig accessLog = accessLog(top.section("access_log"));
            Section defaults = top.section("defaults").allowOnly("defaults", DEFAULTS_KEYS);
            List<RouteConfig> routes = routes(top, defaults);
            if (problems.any()) {
                return null;
            }
            return build(top.node(), () -> new ServerConfig(transport, ioThreads, backlog, reusePort, drain, dns, admin,
                    accessLog, routes, certificateCheck, splice, unixSocketMode));
        }

        private DnsConfig dns(Section dns) {
            dns.allowOnly("dns", "min_ttl", "max_ttl", "servers");
            List<Endpoint.Inet> servers = new ArrayList<>();
            for (Node server : dns.list("servers")) {
                Endpoint endpoint = dns.parse(server, "servers", null, Endpoint::parse);
                if (endpoint instanceof Endpoint.Inet inet) {
                    servers.add(inet);
                } else if (endpoint != null) {
                    problems.at(server, "dns.servers: " + endpoint + " (expected: an IP address and port)");
                }
            }
            DnsConfig d = DnsConfig.DEFAULT;
            var min = dns.duration("min_ttl", d.minTtl());
            var max = dns.duration("max_ttl", d.maxTtl());
            return build(dns.node(), () -> new DnsConfig(min, max, servers), d);
        }

        private AdminConfig admin(Section a) {
            a.allowOnly("admin", "listen", "token_file");
            Endpoint listen = a.scalar("listen", null, Endpoint::parse);
            Path tokenFile = a.scalar("token_file", null, Path::of);
            return build(a.node(), () -> new AdminConfig(listen, tokenFile), AdminConfig.OFF);
        }

        private AccessLogConfig accessLog(Section a) {
            a.allowOnly("access_log", "format", "path", "max_size", "max_files");
            if (a.node() == null) {
                return AccessLogConfig.OFF;
            }
            AccessLogConfig.Format format = a.scalar("format", AccessLogConfig.Format.TEXT,
                    AccessLogConfig.Format::parse);
            Path path = a.scalar("path", null, Path::of);
            long maxBytes = a.scalar("max_size", AccessLogConfig.DEFAULT_MAX_BYTES, ByteSizes::parse);
            int maxFiles = a.integer("max_files", AccessLogConfig.DEFAULT_MAX_FILES);
            return build(a.node(), () -> new AccessLogConfig(true, format, path, maxBytes, maxFiles),
                    AccessLogConfig.OFF);
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
            return build(c.node(), () -> new CaptureConfig(pcap, maxBytes, enabled), CaptureConfig.NONE);
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
            return build(t.node(), () -> new UpstreamTlsConfig(enabled, ca, serverName, cert, key, insecure),
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
            return build(p.node(), () -> new ProxyProtocolConfig(accept, trusted, timeout), ProxyProtocolConfig.OFF);
        }

        private List<RouteConfig> routes(Section top, Section defaults) {
            Node routesNode = top.value("routes");
            if (routesNode == null) {
                problems.at(top.node(), "routes: missing (expected: a list of routes)");
                return List.of();
            }
            List<Node> items = top.list("routes");
            if (items.isEmpty() && !problems.any()) {
                problems.at(routesNode, "routes: empty (expected: at least one route)");
            }
            List<RouteConfig> routes = new ArrayList<>();
            Map<String, Node> names = new HashMap<>();
            List<ListenerSharing.Claim> claims = new ArrayList<>();
            List<Section> sections = new ArrayList<>();
            for (int i = 0; i < items.size(); i++) {
                Section route = Section.of(items.get(i), "routes[" + i + "]", "", defaults, problems)
                        .allowOnly("a route", ROUTE_KEYS);
                RouteConfig config = route(route, i, names, claims);
                sections.add(route);
                if (config != null) {
                    routes.add(config);
                }
            }
            // Checked over every route whose addresses could be read, so these come in the same pass as the rest.
            for (ListenerSharing.Conflict conflict : ListenerSharing.conflicts(claims)) {
                ListenerSharing.Claim claim = claims.get(conflict.index());
                problems.at(sections.get(conflict.index()).list("listen").get(claim.listen().indexOf(conflict.listen())),
                        conflict.message());
            }
            return routes;
        }

        private RouteConfig route(Section route, int index, Map<String, Node> names,
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
            List<UpstreamConfig> upstreams = upstreams(route, name);
            Balance balance = route.scalar("balance", RouteConfig.DEFAULT_BALANCE, Balance::parse);
            int retries = route.integer("connect_retries", RouteConfig.DEFAULT_CONNECT_RETRIES);
            HealthCheckConfig health = health(route.section("health_check"));
            RouteTimeouts timeouts = timeouts(route.section("timeouts"));
            RouteLimits limits = limits(route.section("limits"));
            Acl acl = acl(route.section("acl"));
            boolean hexdump = route.bool("hexdump", false);
            CaptureConfig capture = capture(route.section("capture"));
            ProxyProtocolConfig proxyProtocol = proxyProtocol(route.section("proxy_protocol"));
            SendProxy sendProxy = route.scalar("send_proxy", SendProxy.NONE, SendProxy::parse);
            TlsConfig tls = tls(route.section("tls"));
            UpstreamTlsConfig upstreamTls = upstreamTls(route.section("upstream_tls"));
            ServerNames serverNames = serverNames(route);
            String routeName = name;
            claims.add(new ListenerSharing.Claim(routeName, listen, serverNames, proxyProtocol));
            if (problems.count() > problemsBefore) {
                return null; // its own checks would only repeat what was found, in vaguer words
            }
            return build(route.node(), () -> new RouteConfig(routeName, listen, upstreams, balance, health, retries,
                    timeouts, limits, acl, hexdump, capture, proxyProtocol, sendProxy, tls, upstreamTls, serverNames));
        }

        private ServerNames serverNames(Section route) {
            // Each name is checked on its own line; the list as a whole (no repeats) where it starts.
            List<String> names = route.listOf("server_names", ServerNames::pattern);
            return build(route.value("server_names"), () -> new ServerNames(names), ServerNames.ANY);
        }

        private List<Endpoint> endpoints(Section section, String key) {
            return section.listOf(key, Endpoint::parse);
        }

        private List<UpstreamConfig> upstreams(Section route, String name) {
            Node node = route.value("upstreams");
            if (node == null) {
                problems.at(route.node(), "route " + name + ": upstreams missing (expected: a list of addresses)");
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
            return address == null ? null : build(u.value("weight"), () -> new UpstreamConfig(address, weight, backup));
        }

        private HealthCheckConfig health(Section h) {
            h.allowOnly("health_check", "interval", "timeout", "rise", "fall", "eject_after", "eject_for");
            HealthCheckConfig d = HealthCheckConfig.OFF;
            var interval = h.duration("interval", d.interval());
            var timeout = h.duration("timeout", d.timeout());
            int rise = h.integer("rise", d.rise());
            int fall = h.integer("fall", d.fall());
            int ejectAfter = h.integer("eject_after", d.ejectAfter());
            var ejectFor = h.duration("eject_for", d.ejectFor());
            return build(h.node(), () -> new HealthCheckConfig(interval, timeout, rise, fall, ejectAfter, ejectFor), d);
        }

        private RouteTimeouts timeouts(Section t) {
            t.allowOnly("timeouts", "connect", "idle", "max_duration", "handshake");
            RouteTimeouts d = RouteTimeouts.DEFAULT;
            var connect = t.duration("connect", d.connect());
            var idle = t.duration("idle", d.idle());
            var max = t.duration("max_duration", d.maxDuration());
            var handshake = t.duration("handshake", d.handshake());
            return build(t.node(), () -> new RouteTimeouts(connect, idle, max, handshake), d);
        }

        private RouteLimits limits(Section l) {
            l.allowOnly("limits", "max_connections", "max_connections_per_client");
            int route = l.integer("max_connections", 0);
            int perClient = l.integer("max_connections_per_client", 0);
            return build(l.node(), () -> new RouteLimits(route, perClient), RouteLimits.NONE);
        }

        private Acl acl(Section a) {
            a.allowOnly("acl", "allow", "deny");
            return new Acl(a.listOf("allow", Cidr::parse), a.listOf("deny", Cidr::parse));
        }

        /** Builds a record; its own checks, when they fail, become a problem at {@code where}. */
        private <T> T build(Node where, Supplier<T> make) {
            return build(where, make, null);
        }

        private <T> T build(Node where, Supplier<T> make, T otherwise) {
            try {
                return make.get();
            } catch (ConfigException e) {
                problems.at(Optional.ofNullable(where).flatMap(Node::getStartMark), e.getMessage());
                return otherwise;
            }
        }
    }
}
