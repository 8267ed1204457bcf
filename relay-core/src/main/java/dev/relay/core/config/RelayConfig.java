package dev.relay.core.config;


import java.time.Duration;
import java.util.List;

/**
 * One relay route: where to listen, where to connect, and how. Immutable; every value is checked here, so a
 * {@code RelayConfig} that exists can be run.
 *
 * @param listen         the address clients connect to
 * @param target         the upstream each client is relayed to
 * @param transport      the I/O transport
 * @param connectTimeout the budget for reaching an upstream, every retry included ({@link RouteTimeouts#connect})
 * @param idleTimeout    how long a connection may see no byte either way before it is closed; zero disables
 * @param drainTimeout   on stop, how long open connections may finish before they are closed
 * @param hexdump        log every relayed chunk as a hex dump
 * @param backlog        the listener's accept queue length
 * @param ioThreads      event-loop threads that carry connections; zero means one per core
 */
public record RelayConfig(
        Endpoint listen,
        Endpoint target,
        TransportKind transport,
        Duration connectTimeout,
        Duration idleTimeout,
        Duration drainTimeout,
        boolean hexdump,
        int backlog,
        int ioThreads) {

    public static final TransportKind DEFAULT_TRANSPORT = TransportKind.AUTO;
    public static final Duration DEFAULT_CONNECT_TIMEOUT = RouteTimeouts.DEFAULT_CONNECT;
    public static final Duration DEFAULT_IDLE_TIMEOUT = RouteTimeouts.DEFAULT_IDLE;
    public static final Duration DEFAULT_DRAIN_TIMEOUT = ServerConfig.DEFAULT_DRAIN_TIMEOUT;
    public static final int DEFAULT_BACKLOG = ServerConfig.DEFAULT_BACKLOG;
    public static final int DEFAULT_IO_THREADS = 0;
    /** The name of the one route {@link #toServerConfig()} makes. */
    public static final String DEFAULT_ROUTE_NAME = "default";

    public RelayConfig {
        Checks.require(listen != null, "listen: missing (expected: an address)");
        Checks.require(target != null, "target: missing (expected: an address)");
        Checks.require(transport != null, "transport: missing");
        Checks.duration("connectTimeout", connectTimeout, false);
        Checks.duration("idleTimeout", idleTimeout, true);
        Checks.duration("drainTimeout", drainTimeout, true);
        Checks.range("backlog", backlog, 1, 65535);
        Checks.require(ioThreads >= 0 && ioThreads <= 1024, "ioThreads: " + ioThreads + " (expected: 0-1024, 0 = one per core)");
        if (target instanceof Endpoint.Inet inet) {
            Checks.require(!inet.isWildcard() && inet.port() != 0,
                    "target: " + target + " (expected: a host and a port other than 0)");
        }
    }

    /** A config with every default, relaying {@code listen} to {@code target}. */
    public static RelayConfig of(Endpoint listen, Endpoint target) {
        return builder(listen, target).build();
    }

    public static Builder builder(Endpoint listen, Endpoint target) {
        return new Builder(listen, target);
    }

    /** The same relay as a one-route {@link ServerConfig}, the form a config file takes; the route is "default". */
    public ServerConfig toServerConfig() {
        RouteConfig route = new RouteConfig(DEFAULT_ROUTE_NAME, List.of(listen), List.of(UpstreamConfig.of(target)),
                RouteConfig.DEFAULT_BALANCE, HealthCheckConfig.OFF, RouteConfig.DEFAULT_CONNECT_RETRIES,
                new RouteTimeouts(connectTimeout, idleTimeout, Duration.ZERO), RouteLimits.NONE, Acl.OPEN, hexdump,
                CaptureConfig.NONE, ProxyProtocolConfig.OFF, SendProxy.NONE, TlsConfig.NONE,
                UpstreamTlsConfig.OFF, ServerNames.ANY, Protocol.TCP, UdpOptions.DEFAULT, List.of(),
                UpstreamDiscovery.NONE);
        return new ServerConfig(transport, ioThreads, backlog, false, drainTimeout, DnsConfig.DEFAULT, AdminConfig.OFF,
                AccessLogConfig.OFF, List.of(route), ServerConfig.DEFAULT_CERTIFICATE_CHECK_INTERVAL, true,
                UnixSocketMode.FROM_UMASK);
    }

    public Builder toBuilder() {
        return new Builder(listen, target)
                .transport(transport)
                .connectTimeout(connectTimeout)
                .idleTimeout(idleTimeout)
                .drainTimeout(drainTimeout)
                .hexdump(hexdump)
                .backlog(backlog)
                .ioThreads(ioThreads);
    }

    /** Fills in the defaults; {@link #build()} validates. */
    public static final class Builder {
        private Endpoint listen;
        private Endpoint target;
        private TransportKind transport = DEFAULT_TRANSPORT;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
        private Duration drainTimeout = DEFAULT_DRAIN_TIMEOUT;
        private boolean hexdump;
        private int backlog = DEFAULT_BACKLOG;
        private int ioThreads = DEFAULT_IO_THREADS;

        private Builder(Endpoint listen, Endpoint target) {
            this.listen = listen;
            this.target = target;
        }

        public Builder listen(Endpoint value) { this.listen = value; return this; }
        public Builder target(Endpoint value) { this.target = value; return this; }
        public Builder transport(TransportKind value) { this.transport = value; return this; }
        public Builder connectTimeout(Duration value) { this.connectTimeout = value; return this; }
        public Builder idleTimeout(Duration value) { this.idleTimeout = value; return this; }
        public Builder drainTimeout(Duration value) { this.drainTimeout = value; return this; }
        public Builder hexdump(boolean value) { this.hexdump = value; return this; }
        public Builder backlog(int value) { this.backlog = value; return this; }
        public Builder ioThreads(int value) { this.ioThreads = value; return this; }

        public RelayConfig build() {
            return new RelayConfig(listen, target, transport, connectTimeout, idleTimeout, drainTimeout,
                    hexdump, backlog, ioThreads);
        }
    }
}
