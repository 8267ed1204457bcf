package dev.relay.core;

import dev.relay.core.access.AccessLog;
import dev.relay.core.admin.AdminServer;
import dev.relay.core.config.ConfigException;
import dev.relay.core.config.Endpoint;
import dev.relay.core.config.RelayConfig;
import dev.relay.core.config.RestartOnlySettings;
import dev.relay.core.config.RouteConfig;
import dev.relay.core.config.ServerConfig;
import dev.relay.core.config.UpstreamConfig;
import dev.relay.core.metrics.RelayCounters;
import dev.relay.core.metrics.RelayMetrics;
import dev.relay.core.proxy.ConnectionSummary;
import dev.relay.core.base.Addresses;
import dev.relay.core.proxy.CloseReason;
import dev.relay.core.proxy.ConnectionRegistry;
import dev.relay.core.proxy.RelayConnection;
import dev.relay.core.proxy.ListenerRoutes;
import dev.relay.core.tls.CertificateFiles;
import dev.relay.core.proxy.RouteContext;
import dev.relay.core.resolve.DnsResolvers;
import dev.relay.core.resolve.LazyResolverGroup;
import dev.relay.core.transport.Transport;
import dev.relay.core.transport.Transports;
import dev.relay.core.upstream.HealthChecker;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.resolver.AddressResolverGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;

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
 * <p>Over 300 lines, knowingly: it still holds the route table (diff, draining, health checkers), the listeners, the
 * certificate watcher and the stop as well as the facade; those are to become classes of their own beside it.
 */
public final class RelayServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RelayServer.class);
    /** After the drain timeout, how long closing the remaining connections may take before the loops stop anyway. */
    private static final Duration FORCED_CLOSE_GRACE = Duration.ofSeconds(5);

    private final Transport transport;
    private final EventLoopGroup ioGroup;
    private final AddressResolverGroup<? extends SocketAddress> resolver;
    private final RelayMetrics metrics;
    private final Consumer<ConnectionSummary> onClosed;
    private final Supplier<ServerConfig> configSource;
    private final ListenerBinder binder;
    private final ConnectionRegistry registry = new ConnectionRegistry();
    private final AtomicLong connectionIds = new AtomicLong();
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    // Guarded by this: only start, reload and close change them.
    private final Map<Endpoint, Listener> listeners = new LinkedHashMap<>();
    private final Map<String, HealthChecker> checkers = new LinkedHashMap<>();
    // Replaced whole under the lock, read without it: the admin API and metrics read them from event loops, which
    // must never wait for a reload that is binding sockets.
    private volatile Map<String, RouteContext> routes = Map.of();
    // Removed routes whose connections may still finish. Changed without the server's lock: the drain timer that
    // takes a route off runs on an io loop, and an io loop must never wait for a reload that is binding sockets
    // on it (that wait would never end).
    private final List<RouteContext> draining = new CopyOnWriteArrayList<>();
    private volatile Map<Endpoint, Listener> listenerView = Map.of();
    private volatile ServerConfig config;
    private volatile boolean stopping;
    // Set by closeOpenConnectionsNow: close() stops waiting for the drain and closes what is still open.
    private volatile boolean drainCutShort;
    private AdminServer admin;
    private final CertificateFiles certificateFiles = new CertificateFiles();
    private ScheduledExecutorService certificateCheck;

    private RelayServer(ServerConfig config, Transport transport, EventLoopGroup ioGroup,
                        AddressResolverGroup<? extends SocketAddress> resolver, RelayMetrics metrics, RelayHooks hooks) {
        this.config = config;
        this.metrics = metrics;
        this.binder = new ListenerBinder(transport, ioGroup);
        this.transport = transport;
        this.ioGroup = ioGroup;
        this.resolver = resolver;
        // The access log hears of each connection when the config asks for one; where it writes is the logging
        // backend's setup (the CLI's AccessLogSetup), not the relay's.
        this.onClosed = config.accessLog().enabled() ? hooks.onClosed().andThen(new AccessLog()) : hooks.onClosed();
        this.configSource = hooks.configSource();
        metrics.export(built -> RouteMetricsExport.register(built, this::runningRoutes, registry));
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
        Transport transport = Transports.select(config.transport(), config.usesUnixSockets());
        // Fail before any thread starts when the transport cannot carry an address (a Unix socket it lacks).
        checkAddresses(config, transport);
        int ioThreads = config.ioThreads() == 0 ? Runtime.getRuntime().availableProcessors() : config.ioThreads();
        EventLoopGroup ioGroup = new MultiThreadIoEventLoopGroup(ioThreads,
                new DefaultThreadFactory("relay-io"), transport.ioHandlerFactory());
        AddressResolverGroup<? extends SocketAddress> resolver = hooks.resolver().get();
        if (resolver == null) {
            resolver = new LazyResolverGroup(() -> DnsResolvers.create(config.dns(), transport));
        }
        RelayServer server = new RelayServer(config, transport, ioGroup, resolver,
                new RelayMetrics(RelayVersion.current()), hooks);
        LoopWatch.watch(ioGroup, server::isStopping, hooks.onFatal());
        try {
            synchronized (server) {
                server.apply(config);
                if (config.admin().enabled()) {
                    server.admin = AdminServer.start(server, config.admin(), transport);
                }
                server.startCertificateChecks(config.certificateCheckInterval());
            }
        } catch (RuntimeException e) {
            server.listeners.values().forEach(Listener::close);
            shutdown(ioGroup, resolver);
            throw e;
        }
        log.info("relay started: {}, transport {}, {}{}", Counted.of(config.routes().size(), "route"),
                transport.kind(), Counted.of(ioThreads, "io thread"),
                config.reusePort() ? ", SO_REUSEPORT listeners on every thread" : "");
        return server;
    }

    /** Whether a route's upstream is a hostname, which the DNS client resolves. */
    private static boolean namesAHost(ServerConfig config) {
        return config.routes().stream().flatMap(route -> route.upstreams().stream())
                .anyMatch(upstream -> upstream.address().toSocketAddress() instanceof InetSocketAddress inet
                        && inet.isUnresolved());
    }

    /** Checks the routes' certificate files every {@code interval} (never when zero); see {@link CertificateFiles}. */
    private void startCertificateChecks(Duration interval) {
        if (interval.isZero()) {
            return;
        }
        // Its own thread: reading files and building TLS contexts must not hold up an event loop.
        certificateCheck = Executors.newSingleThreadScheduledExecutor(
                new DefaultThreadFactory("relay-certificate-check", true));
        long millis = interval.toMillis();
        certificateCheck.scheduleWithFixedDelay(this::reloadChangedCertificates, millis, millis, TimeUnit.MILLISECONDS);
    }

    /** Serves renewed certificate files to new connections; open connections keep the TLS they have. */
    private synchronized void reloadChangedCertificates() {
        if (stopping) {
            return;
        }
        for (RouteContext route : routes.values()) {
            RouteConfig running = route.state().config();
            List<Path> files = CertificateFiles.of(running);
            if (!files.isEmpty() && certificateFiles.changed(route.name(), files)) {
                log.info("route {}: its certificate files changed; new connections get them", route.name());
                route.reloadTls(running);
            }
        }
    }

    private static void checkAddresses(ServerConfig config, Transport transport) {
        for (RouteConfig route : config.routes()) {
            route.listen().forEach(transport::serverChannelFor);
            route.upstreams().stream().map(UpstreamConfig::address).forEach(transport::channelFor);
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
            ReloadResult result = reloadChecked(next);
            metrics.reloaded(true);
            return result;
        } catch (RuntimeException e) {
            metrics.reloaded(false);
            throw e;
        }
    }

    /** True when the relay knows where to read its config again ({@link RelayHooks#configSource()}). */
    public boolean hasConfigSource() {
        return configSource != null;
    }

    /**
     * Reads the config from its source and applies it, as {@link #reload} does; an invalid config changes nothing
     * and its exception (a {@code ConfigFileException} for a file) says why. Blocks: never call it on an event loop.
     */
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

    private ReloadResult reloadChecked(ServerConfig next) {
        List<String> notApplied = RestartOnlySettings.changedBy(config, next);
        ServerConfig effective = RestartOnlySettings.keptFrom(config, next);
        checkAddresses(effective, transport);
        ReloadResult result = apply(effective);
        result = new ReloadResult(result.added(), result.changed(), result.removed(), notApplied);
        for (String setting : notApplied) {
            log.warn("reload: {} needs a restart; keeping the running value", setting);
        }
        log.info("reload: {}", result);
        return result;
    }

    /** Makes the running routes and listeners match {@code next}; binds first, so a bind failure changes nothing. */
    private ReloadResult apply(ServerConfig next) {
        if (resolver instanceof LazyResolverGroup lazy && namesAHost(next)) {
            lazy.build(); // here, on the starting or reloading thread, not on the event loop of a first connect
        }
        Map<String, RouteContext> nextRoutes = new LinkedHashMap<>();
        List<String> added = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        for (RouteConfig route : next.routes()) {
            RouteContext running = routes.get(route.name());
            if (running == null) {
                nextRoutes.put(route.name(), new RouteContext(route, transport, resolver, registry, connectionIds,
                        metrics.forRoute(route.name()), onClosed, next.splice()));
                added.add(route.name());
            } else {
                nextRoutes.put(route.name(), running);
                if (!running.state().config().equals(route)) {
                    changed.add(route.name());
                }
            }
        }
        Map<Endpoint, ListenerRoutes> owners = listenerRoutes(next, nextRoutes);
        Map<Endpoint, Listener> bound = bindNewListeners(owners, next);

        // Nothing below can fail: commit.
        // Certificates are read again on every reload (SIGHUP), so renewed files are served without a restart.
        for (RouteConfig route : next.routes()) {
            RouteContext running = nextRoutes.get(route.name());
            if (!added.contains(route.name()) && !changed.contains(route.name())
                    && (route.tls().enabled() || route.upstreamTls().enabled())) {
                running.reloadTls(route);
            }
        }
        for (String name : changed) {
            RouteContext route = nextRoutes.get(name);
            RouteConfig before = route.state().config();
            RouteConfig after = next.route(name).orElseThrow();
            route.update(after);
            log.info("route {} changed ({}): applies to new connections, {} open ones keep the old settings", name,
                    RouteChanges.describe(before, after), route.openConnections());
        }
        for (var it = listeners.entrySet().iterator(); it.hasNext(); ) {
            var entry = it.next();
            ListenerRoutes routesThere = owners.get(entry.getKey());
            if (routesThere == null) {
                entry.getValue().close();
                log.info("stopped listening on {}", entry.getKey());
                it.remove();
            } else {
                entry.getValue().routes(routesThere);
            }
        }
        listeners.putAll(bound);
        List<String> removed = new ArrayList<>();
        for (RouteContext route : routes.values()) {
            if (!nextRoutes.containsKey(route.name())) {
                removed.add(route.name());
                certificateFiles.forget(route.name());
                drain(route, next.drainTimeout());
            }
        }
        // A reload has just read every route's certificate files: the periodic check starts from what it read.
        next.routes().forEach(route -> certificateFiles.changed(route.name(), CertificateFiles.of(route)));
        routes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(nextRoutes));
        listenerView = Map.copyOf(listeners);
        config = next;
        restartHealthChecks(added, changed, removed);
        for (String name : added) {
            RouteConfig route = next.route(name).orElseThrow();
            log.info("route {} listening on {} -> {} ({})", name, listenAddresses(name), route.upstreams().stream()
                    .map(u -> u.address().toString()).collect(Collectors.joining(", ")), route.balance().label());
            if (route.usesUnixSockets() && !transport.halfClosesUnixSockets()) {
                log.warn("route {}: on the {} transport a FIN on a Unix socket closes that side, so a reply sent after "
                        + "it is lost; the epoll transport relays it", name, transport.kind());
            }
        }
        return new ReloadResult(added, changed, removed, List.of());
    }

    /** Each listen address of {@code next} and the routes it feeds there, with their settings in {@code next}. */
    private static Map<Endpoint, ListenerRoutes> listenerRoutes(ServerConfig next, Map<String, RouteContext> routes) {
        Map<Endpoint, List<ListenerRoutes.Member>> members = new LinkedHashMap<>();
        for (RouteConfig route : next.routes()) {
            for (Endpoint endpoint : route.listen()) {
                members.computeIfAbsent(endpoint, e -> new ArrayList<>())
                        .add(new ListenerRoutes.Member(routes.get(route.name()), route));
            }
        }
        Map<Endpoint, ListenerRoutes> owners = new LinkedHashMap<>();
        members.forEach((endpoint, list) -> owners.put(endpoint, new ListenerRoutes(list)));
        return owners;
    }

    private Map<Endpoint, Listener> bindNewListeners(Map<Endpoint, ListenerRoutes> owners, ServerConfig next) {
        Map<Endpoint, Listener> bound = new LinkedHashMap<>();
        for (var entry : owners.entrySet()) {
            Endpoint endpoint = entry.getKey();
            if (listeners.containsKey(endpoint)) {
                continue;
            }
            Listener listener = new Listener(entry.getValue());
            try {
                listener.bound(binder.bind(endpoint, listener::routes, next));
            } catch (RuntimeException e) {
                bound.values().forEach(Listener::close);
                throw e;
            }
            bound.put(endpoint, listener);
        }
        return bound;
    }

    private void restartHealthChecks(List<String> added, List<String> changed, List<String> removed) {
        List<String> stale = new ArrayList<>(changed);
        stale.addAll(removed);
        for (String name : stale) {
            HealthChecker checker = checkers.remove(name);
            if (checker != null) {
                checker.close();
            }
        }
        List<String> fresh = new ArrayList<>(added);
        fresh.addAll(changed);
        for (String name : fresh) {
            RouteContext route = routes.get(name);
            HealthChecker checker = HealthChecker.start(route.state().pool(), ioGroup.next(), transport, resolver);
            if (checker != null) {
                checkers.put(name, checker);
            }
        }
    }

    /** A removed route's connections may finish for up to {@code within}; the ones still open then are closed. */
    private void drain(RouteContext route, Duration within) {
        log.info("route {} removed: {} open connections may finish within {}ms", route.name(),
                route.openConnections(), within.toMillis());
        draining.add(route);
        ioGroup.next().schedule(() -> {
            for (RelayConnection connection : connectionsOf(route.name())) {
                connection.client().eventLoop().execute(() -> connection.close(CloseReason.ROUTE_REMOVED));
            }
            draining.remove(route);
            metrics.removeRoute(route.name());
            route.retire();
        }, within.toMillis(), TimeUnit.MILLISECONDS);
    }

    private List<RelayConnection> connectionsOf(String route) {
        return registry.connections().stream().filter(c -> c.route().equals(route)).toList();
    }

    /** The address the first route's first listener is bound to (with the real port when port 0 was asked for). */
    public SocketAddress localAddress() {
        return localAddresses(config.routes().get(0).name()).get(0);
    }

    /** The addresses {@code route}'s listeners are bound to, in config order. */
    public List<SocketAddress> localAddresses(String route) {
        RouteConfig routeConfig = config.route(route)
                .orElseThrow(() -> new ConfigException("no route named " + route));
        Map<Endpoint, Listener> bound = listenerView;
        return routeConfig.listen().stream()
                .map(bound::get)
                .filter(Objects::nonNull)
                .map(Listener::localAddress)
                .toList();
    }

    private String listenAddresses(String route) {
        return localAddresses(route).stream().map(Addresses::format).collect(Collectors.joining(", "));
    }

    /** The config running now: the one started with, or the last one a reload applied. */
    public ServerConfig config() {
        return config;
    }

    public Transport transport() {
        return transport;
    }

    /** Every route's counters added up, as a copy. */
    public RelayCounters counters() {
        List<RelayCounters> parts = new ArrayList<>();
        routes.values().forEach(r -> parts.add(r.counters()));
        draining.forEach(r -> parts.add(r.counters()));
        return RelayCounters.sum(parts);
    }

    /** The live counters of one route. */
    public RelayCounters counters(String route) {
        RouteContext context = routes.get(route);
        if (context == null) {
            throw new ConfigException("no route named " + route);
        }
        return context.counters();
    }

    /** The routes serving or draining, for the metrics read at scrape time. */
    private Collection<RouteContext> runningRoutes() {
        List<RouteContext> all = new ArrayList<>(routes.values());
        all.addAll(draining);
        return all;
    }

    /** Where the admin listener is bound, or null when the config has none. */
    public SocketAddress adminAddress() {
        return admin == null ? null : admin.localAddress();
    }

    /** This relay's metrics: histograms, reload counts, and every route's counters read at scrape time. */
    public RelayMetrics metrics() {
        return metrics;
    }

    /** The running routes, by name: their live config, upstream pool and counters. */
    public Map<String, RouteContext> routes() {
        return routes;
    }

    /** The connections open right now. */
    public ConnectionRegistry connections() {
        return registry;
    }

    /** True once {@link #close()} has begun: the listeners are closed and open connections are draining. */
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
            // The listeners stay in the map, closed, so localAddress() still tells where the relay was.
            listeners.values().forEach(Listener::close);
            checkers.values().forEach(HealthChecker::close);
            checkers.clear();
            if (certificateCheck != null) {
                certificateCheck.shutdownNow();
            }
        }
        Duration drain = config.drainTimeout();
        log.info("relay stopping: {} open connections, draining for up to {}ms", registry.size(), drain.toMillis());
        try {
            if (!registry.awaitEmpty(drain, () -> drainCutShort)) {
                for (RelayConnection connection : registry.connections()) {
                    try {
                        connection.client().eventLoop().execute(() -> connection.close(CloseReason.SHUTDOWN));
                    } catch (RejectedExecutionException e) {
                        // its loop is gone (LoopWatch told of it): nothing left to close it on
                    }
                }
                registry.awaitEmpty(FORCED_CLOSE_GRACE);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (admin != null) {
            // Closed last: while connections drain, /api/health answers 503 for load balancers to see.
            admin.close();
        }
        routes.values().forEach(RouteContext::retire);
        draining.forEach(RouteContext::retire);
        shutdown(ioGroup, resolver);
        log.info("relay stopped");
        stopped.complete(null);
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
    }

    private static void shutdown(EventLoopGroup ioGroup,
                                 AddressResolverGroup<? extends SocketAddress> resolver) {
        // The resolvers' sockets live on the io loops: close them while the loops still run, so their pending
        // reads are cancelled and their buffers freed.
        resolver.close();
        ioGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        ioGroup.terminationFuture().awaitUninterruptibly(10, TimeUnit.SECONDS);
    }
}
