package dev.relay.cli;

import com.beust.jcommander.Parameter;
import com.beust.jcommander.Parameters;
import dev.relay.core.RelayHooks;
import dev.relay.core.RelayServer;
import dev.relay.core.config.AdminConfig;
import dev.relay.core.config.ConfigException;
import dev.relay.core.config.Durations;
import dev.relay.core.config.Endpoint;
import dev.relay.core.config.RelayConfig;
import dev.relay.core.config.ServerConfig;
import dev.relay.core.config.Protocol;
import dev.relay.core.config.ProxyProtocolConfig;
import dev.relay.core.config.RouteConfig;
import dev.relay.core.config.RouteLimits;
import dev.relay.core.config.RouteTimeouts;
import dev.relay.core.config.SendProxy;
import dev.relay.core.config.UdpOptions;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code relay forward}: the relay itself. */
@Parameters(commandNames = "forward", commandDescription = "Relay every connection on --listen to --target, both ways.")
final class ForwardCommand {

    static final String EXAMPLES = """
            Examples:
              relay forward --listen 8928 --target 127.0.0.1:7792
              relay forward --listen 127.0.0.1:8443 --target backend.internal:443 --idle-timeout 10m
              relay forward --listen unix:/run/app.sock --target [::1]:8080 --unix-socket-mode 0660
              relay forward --udp --listen 5353 --target 127.0.0.1:53 --responses 1
            """;

    private static final Logger log = LoggerFactory.getLogger(ForwardCommand.class);

    @Parameter(names = {"-h", "--help"}, help = true, description = "Show this help.")
    boolean help;

    @Parameter(names = {"-l", "--listen"}, required = true,
            description = "Where clients connect: [HOST:]PORT, [IPv6]:PORT or unix:/path.")
    String listen;

    @Parameter(names = {"-t", "--target"}, required = true,
            description = "Where to relay to: HOST:PORT, [IPv6]:PORT or unix:/path.")
    String target;

    @Parameter(names = "--transport", description = "I/O transport: auto (epoll where it loads, else io_uring, else nio), epoll, io_uring or nio.")
    String transport = RelayConfig.DEFAULT_TRANSPORT.label();

    @Parameter(names = "--connect-timeout", description = "How long an upstream connect may take.")
    String connectTimeout = Durations.format(RelayConfig.DEFAULT_CONNECT_TIMEOUT);

    @Parameter(names = "--idle-timeout", description = "Close a connection after this long with no byte either way; 0 disables. "
            + "Default: 1h for TCP, 1m for a --udp session.")
    String idleTimeout;

    @Parameter(names = "--udp", description = "Relay UDP datagrams instead of TCP connections, with a session (its own "
            + "upstream socket) per client address. --connect-timeout and --backlog do not apply to it.")
    boolean udp;

    @Parameter(names = "--responses", description = "With --udp: end a session after this many replies (1 for DNS); 0 = no limit.")
    int responses;

    @Parameter(names = "--requests", description = "With --udp: after this many datagrams from a client, its next one opens a new session; 0 = no limit.")
    int requests;

    @Parameter(names = "--max-sessions", description = "With --udp: open sessions at most; past it, datagrams from new clients are dropped.")
    int maxSessions = RouteConfig.DEFAULT_UDP_MAX_SESSIONS;

    @Parameter(names = "--max-datagram-size", description = "With --udp: larger datagrams, either way, are dropped.")
    int maxDatagramSize = UdpOptions.LARGEST_DATAGRAM;

    @Parameter(names = "--send-proxy", description = "With --udp: v2 puts a PROXY protocol v2 header naming the client at the start of every datagram to the target; none (the default) sends none.")
    String sendProxy = "none";

    @Parameter(names = "--accept-proxy", description = "With --udp: read a PROXY protocol v2 header at the start of every datagram; the client it names is the session's, and a datagram without one is dropped.")
    boolean acceptProxy;

    @Parameter(names = "--drain-timeout", description = "On stop, how long open connections may finish; a second stop signal closes them at once.")
    String drainTimeout = Durations.format(RelayConfig.DEFAULT_DRAIN_TIMEOUT);

    @Parameter(names = "--backlog", description = "The listener's accept queue length.")
    int backlog = RelayConfig.DEFAULT_BACKLOG;

    @Parameter(names = "--io-threads", description = "Event-loop threads; 0 means one per core.")
    int ioThreads = RelayConfig.DEFAULT_IO_THREADS;

    @Parameter(names = "--admin", description = "Serve metrics, the API and the status page here, e.g. 127.0.0.1:9901 (loopback only: a token needs a config file).")
    String admin;

    @Parameter(names = "--hexdump", description = "Log every relayed chunk as a hex dump (slow; for debugging).")
    boolean hexdump;

    @Parameter(names = "--unix-socket-mode", description = "Permission bits for a unix:/path listener, e.g. 0660 (a client needs write permission to connect); otherwise the umask decides.")
    String unixSocketMode;

    @Parameter(names = "--no-splice", description = "On epoll, relay through the JVM instead of with splice(2) in the kernel.")
    boolean noSplice;

    RelayConfig config() {
        return RelayConfig.builder(Flags.endpoint("--listen", listen), Flags.endpoint("--target", target))
                .transport(Flags.transport(transport))
                .connectTimeout(Flags.duration("--connect-timeout", connectTimeout))
                .idleTimeout(idleTimeout == null ? RelayConfig.DEFAULT_IDLE_TIMEOUT
                        : Flags.duration("--idle-timeout", idleTimeout))
                .drainTimeout(Flags.duration("--drain-timeout", drainTimeout))
                .backlog(backlog)
                .ioThreads(ioThreads)
                .hexdump(hexdump)
                .build();
    }

    private AdminConfig adminConfig() {
        try {
            return new AdminConfig(Flags.endpoint("--admin", admin), null);
        } catch (ConfigException e) {
            throw new UsageException("--admin: " + e.getMessage());
        }
    }

    /** The --udp relay as a one-route config, from the flags; a flag that only TCP has is a usage error. */
    ServerConfig udpConfig() {
        if (hexdump || unixSocketMode != null || noSplice) {
            throw new UsageException("--udp: --hexdump, --unix-socket-mode and --no-splice are for TCP only");
        }
        if (!(Flags.endpoint("--listen", listen) instanceof Endpoint.Inet in)
                || !(Flags.endpoint("--target", target) instanceof Endpoint.Inet out)) {
            throw new UsageException("--udp: --listen and --target must be IP addresses or hostnames with a port");
        }
        Duration idle = idleTimeout == null ? RouteConfig.DEFAULT_UDP_IDLE : Flags.duration("--idle-timeout", idleTimeout);
        try {
            RouteConfig route = RouteConfig.builder(RelayConfig.DEFAULT_ROUTE_NAME)
                    .protocol(Protocol.UDP)
                    .listen(in)
                    .upstream(out)
                    .timeouts(new RouteTimeouts(RouteTimeouts.DEFAULT_CONNECT, idle, Duration.ZERO))
                    .limits(new RouteLimits(maxSessions, 0))
                    .udp(new UdpOptions(responses, requests, maxDatagramSize))
                    .sendProxy(sendProxyV2() ? SendProxy.V2 : SendProxy.NONE)
                    .proxyProtocol(acceptProxy ? new ProxyProtocolConfig(true, List.of(),
                            ProxyProtocolConfig.DEFAULT_TIMEOUT) : ProxyProtocolConfig.OFF)
                    .build();
            ServerConfig server = ServerConfig.of(route).with(Flags.transport(transport), ioThreads,
                    Flags.duration("--drain-timeout", drainTimeout));
            return admin == null ? server : server.withAdmin(adminConfig());
        } catch (ConfigException e) {
            throw new UsageException(e.getMessage());
        }
    }

    private boolean sendProxyV2() {
        return switch (sendProxy) {
            case "none" -> false;
            case "v2" -> true;
            default -> throw new UsageException("--send-proxy: \"" + sendProxy + "\" (expected: none or v2; "
                    + "datagrams carry the binary header only)");
        };
    }

    int run() throws InterruptedException {
        ServerConfig server = udp ? udpConfig() : tcpConfig();
        SystemdNotifier systemd = SystemdNotifier.fromEnvironment();
        Signals signals = new Signals();
        try (RelayServer relay = RelayServer.start(server, RelayHooks.DEFAULT.withOnFatal(FatalErrors::halt)
                .withInherited(SystemdSockets.passed()))) {
            signals.onStopAgain(relay::closeOpenConnectionsNow);
            systemd.ready();
            signals.awaitStop(() -> log.info("reload asked for, but forward has no file to read: "
                    + "use 'relay run --config' to reload"));
            systemd.stopping();
        }
        return ExitCodes.OK;
    }

    private ServerConfig tcpConfig() {
        if (acceptProxy || !sendProxy.equals("none")) {
            throw new UsageException("--send-proxy and --accept-proxy go with --udp; a TCP route sets send_proxy and "
                    + "proxy_protocol in a config file");
        }
        RelayConfig config = config();
        ServerConfig server = config.toServerConfig().withSplice(!noSplice);
        if (admin != null) {
            server = server.withAdmin(adminConfig());
        }
        if (unixSocketMode != null) {
            if (!(config.listen() instanceof Endpoint.Unix)) {
                throw new UsageException("--unix-socket-mode: --listen " + config.listen() + " is not a Unix socket");
            }
            server = server.withUnixSocketMode(Flags.unixSocketMode(unixSocketMode));
        }
        return server;
    }
}
