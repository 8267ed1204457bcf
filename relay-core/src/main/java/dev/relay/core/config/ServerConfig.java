package dev.relay.core.config;


import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Everything one relay process runs: the settings shared by all routes, and the routes. What a config file
 * holds, and what {@code relay forward} builds from its flags (one route).
 *
 * @param transport    the I/O transport (a reload cannot change it)
 * @param ioThreads    event-loop threads; zero means one per core (a reload cannot change it)
 * @param backlog      each listener's accept queue length
 * @param reusePort    bind each TCP listen address once per event loop with SO_REUSEPORT, so the kernel spreads
 *                     new connections over every loop instead of one accept thread (a reload cannot change it)
 * @param drainTimeout on stop, or when a reload removes a route, how long its open connections may finish
 * @param dns          how upstream hostnames are resolved (a reload cannot change it)
 * @param admin        the admin listener: metrics, API, status page (a reload cannot change it)
 * @param accessLog    one line per finished connection (a reload cannot change it)
 * @param certificateCheckInterval how often the routes' certificate, key and CA files are checked for a change
 *                     (a renewal), which is then served to new connections; zero disables (a reload cannot change
 *                     it; a reload always reads the files again)
 * @param splice       relay with splice(2), socket to pipe to socket inside the kernel, where the transport is epoll
 *                     and nothing on a route needs to see the bytes (a reload cannot change it)
 * @param unixSocketMode the permission bits of the routes' Unix socket listeners (a reload cannot change it)
 * @param routes       the routes, by unique name; routes share a listen address only by server name
 *                     ({@link ListenerSharing})
 */
public record ServerConfig(
        TransportKind transport,
        int ioThreads,
        int backlog,
        boolean reusePort,
        Duration drainTimeout,
        DnsConfig dns,
        AdminConfig admin,
        AccessLogConfig accessLog,
        List<RouteConfig> routes,
        Duration certificateCheckInterval,
        boolean splice,
        UnixSocketMode unixSocketMode) {

    public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(30);
    public static final int DEFAULT_BACKLOG = 1024;
    public static final Duration DEFAULT_CERTIFICATE_CHECK_INTERVAL = Duration.ofSeconds(5);

    public ServerConfig {
        Checks.require(transport != null, "transport: missing");
        Checks.range("io_threads", ioThreads, 0, 1024);
        Checks.range("backlog", backlog, 1, 65535);
        Checks.duration("drain_timeout", drainTimeout, true);
        Checks.require(dns != null, "dns: missing");
        Checks.require(admin != null, "admin: missing (use AdminConfig.OFF)");
        Checks.require(accessLog != null, "access_log: missing (use AccessLogConfig.OFF)");
        // No route is allowed here (a Toxiproxy-style relay starts empty and gains routes through its API); a config
        // file must still have one, which its reader checks.
        Checks.require(routes != null, "routes: missing");
        Checks.duration("certificate_check_interval", certificateCheckInterval, true);
        Checks.require(unixSocketMode != null, "unix_socket_mode: missing (use UnixSocketMode.FROM_UMASK)");
        routes = List.copyOf(routes);
        Set<String> names = new HashSet<>();
        for (RouteConfig route : routes) {
            Checks.require(names.add(route.name()), "routes: the name " + route.name() + " is used twice");
        }
        List<ListenerSharing.Conflict> conflicts = ListenerSharing.conflicts(routes.stream().map(ListenerSharing.Claim::of).toList());
        Checks.require(conflicts.isEmpty(), conflicts.isEmpty() ? "" : conflicts.get(0).message());
    }

    /** The given routes with every other setting at its default. */
    public static ServerConfig of(RouteConfig... routes) {
        return new ServerConfig(TransportKind.AUTO, 0, DEFAULT_BACKLOG, false, DEFAULT_DRAIN_TIMEOUT,
                DnsConfig.DEFAULT, AdminConfig.OFF, AccessLogConfig.OFF, List.of(routes),
                DEFAULT_CERTIFICATE_CHECK_INTERVAL, true, UnixSocketMode.FROM_UMASK);
    }

    /** Whether a route listens on or dials a Unix socket (which decides what transport {@code auto} takes). */
    public boolean usesUnixSockets() {
        return routes.stream().anyMatch(RouteConfig::usesUnixSockets);
    }

    /** Whether an upstream is a hostname, which the DNS client resolves (so the resolver is built at start). */
    public boolean namesAnUpstreamHost() {
        return routes.stream().flatMap(route -> route.upstreams().stream())
                .anyMatch(upstream -> upstream.address().toSocketAddress() instanceof InetSocketAddress inet
                        && inet.isUnresolved());
    }

    public Optional<RouteConfig> route(String name) {
        return routes.stream().filter(r -> r.name().equals(name)).findFirst();
    }

    /** This config with other routes. */
    public ServerConfig withRoutes(List<RouteConfig> value) {
        return new ServerConfig(transport, ioThreads, backlog, reusePort, drainTimeout, dns, admin, accessLog, value,
                certificateCheckInterval, splice, unixSocketMode);
    }

    /** This config with SO_REUSEPORT listeners on or off. */
    public ServerConfig withReusePort(boolean value) {
        return new ServerConfig(transport, ioThreads, backlog, value, drainTimeout, dns, admin, accessLog, routes,
                certificateCheckInterval, splice, unixSocketMode);
    }

    /** This config resolving names (and asking SRV questions) as {@code value} says. */
    public ServerConfig withDns(DnsConfig value) {
        return new ServerConfig(transport, ioThreads, backlog, reusePort, drainTimeout, value, admin, accessLog, routes,
                certificateCheckInterval, splice, unixSocketMode);
    }

    /** This config with an admin listener. */
    public ServerConfig withAdmin(AdminConfig value) {
        return new ServerConfig(transport, ioThreads, backlog, reusePort, drainTimeout, dns, value, accessLog, routes,
                certificateCheckInterval, splice, unixSocketMode);
    }

    /** This config checking certificate files every {@code value} (zero: never). */
    public ServerConfig withCertificateCheckInterval(Duration value) {
        return new ServerConfig(transport, ioThreads, backlog, reusePort, drainTimeout, dns, admin, accessLog, routes,
                value, splice, unixSocketMode);
    }

    /** This config with splice(2) relaying allowed or not. */
    public ServerConfig withSplice(boolean value) {
        return new ServerConfig(transport, ioThreads, backlog, reusePort, drainTimeout, dns, admin, accessLog, routes,
                certificateCheckInterval, value, unixSocketMode);
    }

    /** This config with its Unix socket listeners given {@code value}'s permission bits. */
    public ServerConfig withUnixSocketMode(UnixSocketMode value) {
        return new ServerConfig(transport, ioThreads, backlog, reusePort, drainTimeout, dns, admin, accessLog, routes,
                certificateCheckInterval, splice, value);
    }

    public ServerConfig withRoutes(RouteConfig... value) {
        return withRoutes(List.of(value));
    }

    /** This config on another transport, with {@code ioThreads} loops and {@code drainTimeout}: what tests tune. */
    public ServerConfig with(TransportKind value, int threads, Duration drain) {
        return new ServerConfig(value, threads, backlog, reusePort, drain, dns, admin, accessLog, routes,
                certificateCheckInterval, splice, unixSocketMode);
    }
}
