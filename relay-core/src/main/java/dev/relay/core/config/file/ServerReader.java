package dev.relay.core.config.file;

import dev.relay.core.config.AccessLogConfig;
import dev.relay.core.config.AdminConfig;
import dev.relay.core.config.UnixSocketMode;
import dev.relay.core.config.ByteSizes;
import dev.relay.core.config.DnsConfig;
import dev.relay.core.config.Endpoint;
import dev.relay.core.config.ListenerSharing;
import dev.relay.core.config.RouteConfig;
import dev.relay.core.config.ServerConfig;
import dev.relay.core.config.TransportKind;
import org.snakeyaml.engine.v2.nodes.Node;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the top of a config file: the server's settings, DNS, the admin listener, the access log, the defaults,
 * and the list of routes (each read by a {@link RouteReader}, then checked together for listeners they share).
 */
final class ServerReader {

    private static final String[] TOP_KEYS =
            {"transport", "io_threads", "backlog", "reuse_port", "drain_timeout", "dns", "admin", "access_log",
                "defaults", "routes", "certificate_check_interval", "splice", "unix_socket_mode"};
    private static final String[] DEFAULTS_KEYS = {"balance", "health_check", "connect_retries", "timeouts",
            "limits", "acl", "hexdump"};
    private final Problems problems;
    private final Records records;
    private final RouteReader routeReader;

    ServerReader(Problems problems) {
        this.problems = problems;
        this.records = new Records(problems);
        this.routeReader = new RouteReader(problems);
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
        return records.build(top.node(), () -> new ServerConfig(transport, ioThreads, backlog, reusePort, drain, dns, admin,
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
        return records.build(dns.node(), () -> new DnsConfig(min, max, servers), d);
    }
    private AdminConfig admin(Section a) {
        a.allowOnly("admin", "listen", "token_file");
        Endpoint listen = a.scalar("listen", null, Endpoint::parse);
        Path tokenFile = a.scalar("token_file", null, Path::of);
        return records.build(a.node(), () -> new AdminConfig(listen, tokenFile), AdminConfig.OFF);
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
        return records.build(a.node(), () -> new AccessLogConfig(true, format, path, maxBytes, maxFiles),
                AccessLogConfig.OFF);
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
                    .allowOnly("a route", RouteReader.ROUTE_KEYS);
            RouteConfig config = routeReader.route(route, i, names, claims);
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
}
