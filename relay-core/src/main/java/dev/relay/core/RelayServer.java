package dev.relay.core;

import java.util.LinkedHashMap;
import java.util.ArrayList;
import io.netty.channel.Channel;
import dev.relay.core.access.AccessLog;
import dev.relay.core.access.UdpAccessLog;
import dev.relay.core.admin.AdminServer;
import dev.relay.core.admin.RelayControl;
import dev.relay.core.discovery.DiscoveryMetricsExport;
import dev.relay.core.discovery.DiscoveryStatus;
import dev.relay.core.base.Counted;
import dev.relay.core.base.RelayStartException;
import dev.relay.core.config.RelayConfig;
import dev.relay.core.config.RestartOnlySettings;
import dev.relay.core.config.ServerConfig;
import dev.relay.core.metrics.RelayCounters;
import dev.relay.core.metrics.RelayMetrics;
import dev.relay.core.proxy.ConnectionRegistry;
import dev.relay.core.proxy.RouteContext;
import dev.relay.core.server.CertificateWatcher;
import dev.relay.core.server.IoLoops;
import dev.relay.core.server.Stop;
import dev.relay.core.server.ReloadResult;
import dev.relay.core.server.RouteTable;
import dev.relay.core.toxic.ToxicMetricsExport;
import dev.relay.core.toxic.ToxicSet;
import dev.relay.core.transport.Transport;
import dev.relay.core.udp.UdpMetricsExport;
import dev.relay.core.udp.UdpRoute;
import dev.relay.core.udp.UdpRoutes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * A running relay: its routes and their listeners, its event loops, and the connections it carries. A reload
 * ({@link #reload}) applies a new config while traffic flows.
 *
 * <pre>{@code
 * try (RelayServer relay = RelayServer.start(RelayConfig.of(Endpoint.parse("127.0.0.1:0"),
 *                                                            Endpoint.parse("127.0.0.1:7792")))) {
 *     SocketAddress where = relay.localAddress();
 *     ...
 * }   // stops accepting, drains open connections, frees every thread
 * }</pre>
 *
 * <p>A facade: the routes, their listeners and health checks are a {@link RouteTable}, the loops and resolvers
 * {@link IoLoops}, the certificate polling a {@link CertificateWatcher}, the end of a stop is {@link Stop}; this class starts them, serializes the changes
 * (start, reload, certificate checks, close) under its lock, and answers the queries.
 *
 * <p>It runs over 300 lines on purpose: it is the one object an embedder and the admin API hold, so every query and
 * every change has its (short) method here, each handing its work to the TCP routes ({@link RouteTable}), the UDP
 * routes ({@link dev.relay.core.udp.UdpRoutes}) or the pieces above.
 */
public final class RelayServer implements AutoCloseable, RelayControl {

    private static final Logger log = LoggerFactory.getLogger(RelayServer.class);

    private final IoLoops loops;
    private final RelayMetrics metrics;
    private final Supplier<ServerConfig> configSource;
    private final ConnectionRegistry registry = new ConnectionRegistry();
    private final RouteTable table;
    private final UdpRoutes udp;
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    private volatile ServerConfig config;
    private volatile boolean stopping;
    // Set by closeOpenConnectionsNow: close() stops waiting for the drain and closes what is still open.
    private volatile boolean drainCutShort;
    // Set once another process serves this one's listening sockets: a stop then leaves Unix sockets' files.
    private volatile boolean handedOver;
    private AdminServer admin;
    private CertificateWatcher certificates;
    private CompletableFuture<Void> udpDrained;

    private RelayServer(ServerConfig config, IoLoops loops, RelayMetrics metrics, RelayHooks hooks) {
        this.config = config;
        this.metrics = metrics;
        this.loops = loops;
        this.configSource = hooks.configSource();
        // The access log hears of each connection and UDP session when the config asks for one; where it writes is
        // the logging backend's setup (the CLI's AccessLogSetup), not the relay's.
        this.udp = new UdpRoutes(loops.transport(), loops.group(), loops.resolver(),
                config.accessLog().enabled() ? new UdpAccessLog() : session -> { }, hooks.inherited());
        this.table = new RouteTable(loops.transport(), loops.group(), loops.resolver(), metrics, registry,
                config.accessLog().enabled() ? hooks.onClosed().andThen(new AccessLog()) : hooks.onClosed(),
                udp::pools, hooks.inherited());
        metrics.export(built -> UdpMetricsExport.register(built, () -> udp.routes().values()));
        metrics.export(built -> ToxicMetricsExport.register(built, this::toxicSets));
        metrics.export(built -> DiscoveryMetricsExport.register(built, this::discoveries));
    }

    /** Binds the listener and starts relaying; throws {@link RelayStartException} when it cannot. */
    public static RelayServer start(RelayConfig config) {
        return start(config.toServerConfig(), RelayHooks.DEFAULT);
    }

    public static RelayServer start(RelayConfig config, RelayHooks hooks) {
        return start(config.toServerConfig(), hooks);
    }

    public static RelayServer start(ServerConfig config) {
        return start(config, RelayHooks.DEFAULT);
    }

    /** Binds every route's listeners and starts relaying; throws {@link RelayStartException} when it cannot. */
    public static RelayServer start(ServerConfig config, RelayHooks hooks) {
        IoLoops loops = IoLoops.start(config, hooks.resolver().get());
        RelayServer server = new RelayServer(config, loops, new RelayMetrics(RelayVersion.current()), hooks);
        LoopWatch.watch(loops.group(), server::isStopping, hooks.onFatal());
        try {
            synchronized (server) {
                server.apply(config);
                if (config.admin().enabled()) {
                    server.admin = AdminServer.start(server, config.admin(), loops.transport());
                }
                server.certificates = CertificateWatcher.start(config.certificateCheckInterval(),
                        server::checkCertificates);
            }
        } catch (RuntimeException e) {
            server.table.stopListening();
            server.udp.closeNow();
            server.udp.closeSockets();
            loops.close();
            throw e;
        }
        hooks.inherited().unused().forEach(socket -> log.warn("passed {} matches no route: it waits for a reload "
                + "that listens there (by address, or a route named {})", socket, socket.name().isEmpty() ? "after it"
                : socket.name()));
        log.info("relay started: {}, transport {}, {}{}", Counted.of(config.routes().size(), "route"),
                loops.transport().kind(), Counted.of(loops.threads(), "io thread"),
                config.reusePort() ? ", SO_REUSEPORT listeners on every thread" : "");
        return server;
    }

    /** Serves renewed certificate files to new connections; the watcher's thread calls it. */
    private synchronized void checkCertificates() {
        if (!stopping) {
            table.reloadChangedCertificates();
        }
    }

    /**
     * Applies {@code next} while traffic flows: new routes start listening, removed routes stop accepting and
     * drain, changed routes apply to new connections; open connections are never cut. All or nothing: when a new
     * listen address cannot be bound, nothing changes and {@link RelayStartException} says why. Settings that need
     * a restart ({@link RestartOnlySettings}) are kept and reported.
     */
    public synchronized ReloadResult reload(ServerConfig next) {
        if (stopping) {
            throw new IllegalStateException("the relay is stopping");
        }
        try {
            List<String> notApplied = RestartOnlySettings.changedBy(config, next);
            ServerConfig effective = RestartOnlySettings.keptFrom(config, next);
            IoLoops.checkAddresses(effective, loops.transport());
            ReloadResult applied = apply(effective);
            ReloadResult result = new ReloadResult(applied.added(), applied.changed(), applied.removed(), notApplied);
            for (String setting : notApplied) {
                log.warn("reload: {} needs a restart; keeping the running value", setting);
            }
            log.info("reload: {}", result);
            metrics.reloaded(true);
            return result;
        } catch (RuntimeException e) {
            metrics.reloaded(false);
            throw e;
        }
    }

    /** True when the relay knows where to read its config again ({@link RelayHooks#configSource()}). */
    @Override
    public boolean hasConfigSource() {
        return configSource != null;
    }

    /**
     * Reads the config from its source and applies it, as {@link #reload} does; an invalid config changes nothing
     * and its exception (a {@code ConfigFileException} for a file) says why. Blocks: never call it on an event loop.
     */
    @Override
    public ReloadResult reloadFromSource() {
        if (configSource == null) {
            throw new IllegalStateException("this relay was not started from a config file");
        }
        ServerConfig next;
        try {
            next = configSource.get();
        } catch (RuntimeException e) {
            metrics.reloaded(false);
            throw e;
        }
        return reload(next);
    }

    /** Binds every new listen address first, TCP and UDP, so that a bind failure changes nothing. */
    private ReloadResult apply(ServerConfig next) {
        loops.prepareResolver(next);
        UdpRoutes.Pending pendingUdp = udp.bind(next);
        ReloadResult tcp;
        try {
            tcp = table.apply(next.withRoutes(next.routes().stream().filter(route -> !route.isUdp()).toList()));
        } catch (RuntimeException e) {
            pendingUdp.abandon();
            throw e;
        }
        UdpRoutes.Changes udpChanges = udp.commit(pendingUdp, next);
        config = next;
        return new ReloadResult(concat(tcp.added(), udpChanges.added()), concat(tcp.changed(), udpChanges.changed()),
                concat(tcp.removed(), udpChanges.removed()), List.of());
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return b.isEmpty() ? a : java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }

    /** The address the first route's first listener is bound to (with the real port when port 0 was asked for). */
    public SocketAddress localAddress() {
        return localAddresses(config.routes().get(0).name()).get(0);
    }

    /** The addresses {@code route}'s listeners are bound to, in config order. */
    @Override
    public List<SocketAddress> localAddresses(String route) {
        return udp.routes().containsKey(route) ? udp.localAddresses(route) : table.localAddresses(route);
    }

    /** The config running now: the one started with, or the last one a reload applied. */
    public ServerConfig config() {
        return config;
    }

    public Transport transport() {
        return loops.transport();
    }

    /** Every route's counters added up, as a copy. */
    public RelayCounters counters() {
        return table.counters();
    }

    /** The live counters of one route. */
    public RelayCounters counters(String route) {
        return table.counters(route);
    }

    /** Where the admin listener is bound, or null when the config has none. */
    public SocketAddress adminAddress() {
        return admin == null ? null : admin.localAddress();
    }

    /** This relay's metrics: histograms, reload counts, and every route's counters read at scrape time. */
    @Override
    public RelayMetrics metrics() {
        return metrics;
    }

    /** The running routes, by name: their live config, upstream pool and counters. */
    @Override
    public Map<String, RouteContext> routes() {
        return table.routes();
    }

    /**
     * Every listening socket the routes serve, TCP, Unix and UDP: what a hand-over passes to the next process. Read
     * under the server's lock, so that no reload is half done.
     */
    public synchronized List<Channel> listeningSockets() {
        List<Channel> all = new ArrayList<>(table.listenerChannels());
        all.addAll(udp.listenerChannels());
        return all;
    }

    /** The running UDP routes, by name: their live config, upstream pool, sessions and counters. */
    @Override
    public Map<String, UdpRoute> udpRoutes() {
        return udp.routes();
    }

    /** How the discovery source of {@code route} is doing, when its upstreams are discovered. */
    @Override
    public Optional<DiscoveryStatus> discovery(String route) {
        return table.discoveries().status(route).or(() -> udp.discoveries().status(route));
    }

    @Override
    public boolean waitingForUpstreams() {
        return discoveries().values().stream().anyMatch(status -> !status.answered());
    }

    /** Every route's discovery status, by route name, TCP and UDP. */
    private Map<String, DiscoveryStatus> discoveries() {
        Map<String, DiscoveryStatus> all = new LinkedHashMap<>(table.discoveries().statuses());
        all.putAll(udp.discoveries().statuses());
        return all;
    }

    /** Every route's toxics, by route name, TCP and UDP. */
    private Map<String, ToxicSet> toxicSets() {
        Map<String, ToxicSet> sets = new LinkedHashMap<>();
        table.routes().forEach((name, route) -> sets.put(name, route.toxics()));
        udp.routes().forEach((name, route) -> sets.put(name, route.toxics()));
        return sets;
    }

    /** The connections open right now. */
    @Override
    public ConnectionRegistry connections() {
        return registry;
    }

    /** True once {@link #close()} has begun: the listeners are closed and open connections are draining. */
    @Override
    public boolean isStopping() {
        return stopping;
    }

    /** Completes once {@link #close()} has freed everything. */
    public CompletableFuture<Void> stopped() {
        return stopped;
    }

    /**
     * Stops: no new connections, open ones get up to the drain timeout to finish, the rest are closed, then every
     * thread is freed. Blocks the caller, so it must not be called on one of the relay's event loops.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (stopping) {
                stopped.join();
                return;
            }
            stopping = true;
            table.stopListening(handedOver);
            udpDrained = udp.drain(config.drainTimeout());
            certificates.close();
        }
        long drainStart = System.nanoTime();
        log.info("relay stopping: {} open connections{}, draining for up to {}ms", registry.size(),
                udp.routes().isEmpty() ? "" : " and " + udp.openSessions() + " udp sessions",
                config.drainTimeout().toMillis());
        try {
            Stop.drain(registry, config.drainTimeout(), () -> drainCutShort);
            // UDP sessions drained alongside; what is left of the drain timeout is theirs.
            Duration left = config.drainTimeout().minusNanos(System.nanoTime() - drainStart);
            udp.awaitDrained(udpDrained, drainCutShort || left.isNegative() ? Duration.ZERO : left);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            udp.closeNow();
        }
        if (admin != null) {
            // Closed last: while connections drain, /api/health answers 503 for load balancers to see.
            admin.close();
        }
        table.retireAll();
        udp.closeSockets();
        loops.close();
        log.info("relay stopped");
        stopped.complete(null);
    }

    /**
     * Another process serves this one's listening sockets now (a hand-over): the stop that follows closes this
     * process's descriptors only, leaving the Unix sockets' files, which are the new process's too.
     */
    public void handedOver() {
        handedOver = true;
    }

    /**
     * Cuts a stop's drain short: {@link #close()}, waiting for open connections to finish, closes them now instead,
     * as a second stop signal asks (nginx's fast shutdown). Returns at once; a no-op unless the relay is stopping.
     */
    public void closeOpenConnectionsNow() {
        if (!stopping || drainCutShort) {
            return;
        }
        drainCutShort = true;
        log.info("asked again to stop: closing the {} open connections now", registry.size());
        registry.wakeWaiters();
        udp.closeNow();
    }
}
