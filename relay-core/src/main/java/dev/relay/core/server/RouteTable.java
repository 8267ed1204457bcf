package dev.relay.core.server;

import io.netty.channel.Channel;
import dev.relay.core.base.Addresses;
import dev.relay.core.config.ConfigException;
import dev.relay.core.config.Endpoint;
import dev.relay.core.config.RouteConfig;
import dev.relay.core.config.ServerConfig;
import dev.relay.core.discovery.Discoveries;
import dev.relay.core.handover.InheritedSockets;
import dev.relay.core.metrics.RelayCounters;
import dev.relay.core.metrics.RelayMetrics;
import dev.relay.core.proxy.CloseReason;
import dev.relay.core.proxy.ConnectionRegistry;
import dev.relay.core.proxy.ConnectionSummary;
import dev.relay.core.proxy.ListenerRoutes;
import dev.relay.core.proxy.RelayConnection;
import dev.relay.core.proxy.RouteContext;
import dev.relay.core.tls.CertificateFiles;
import dev.relay.core.transport.Transport;
import dev.relay.core.upstream.ChecksByRoute;
import dev.relay.core.upstream.HealthChecker;
import dev.relay.core.upstream.UpstreamPool;
import io.netty.channel.EventLoopGroup;
import io.netty.resolver.AddressResolverGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.SocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The running TCP routes, their listeners and health checkers, and the routes removed by a reload that are draining.
 * {@link #apply} makes them match a config: new routes bind and start, changed routes apply to new connections,
 * removed routes stop accepting and drain. The changes ({@link #apply}, {@link #reloadChangedCertificates},
 * {@link #stopListening}) come one at a time under the server's lock; the reads ({@link #routes()}, the counters,
 * the addresses) take no lock, as the admin API and the metrics read them from event loops.
 */
public final class RouteTable {

    private static final Logger log = LoggerFactory.getLogger(RouteTable.class);

    private final Transport transport;
    private final EventLoopGroup ioGroup;
    private final AddressResolverGroup<? extends SocketAddress> resolver;
    private final RelayMetrics metrics;
    private final Consumer<ConnectionSummary> onClosed;
    private final ConnectionRegistry registry;
    private final ListenerBinder binder;
    private final AtomicLong connectionIds = new AtomicLong();
    private final CertificateFiles certificateFiles = new CertificateFiles();
    // Changed only by apply and stopListening, under the server's lock.
    private final Map<Endpoint, Listener> listeners = new LinkedHashMap<>();
    private final ChecksByRoute checkers = new ChecksByRoute();
    private final Discoveries discoveries;
    // Replaced whole, read without a lock.
    private volatile Map<String, RouteContext> routes = Map.of();
    private volatile Map<Endpoint, Listener> listenerView = Map.of();
    // Removed routes whose connections may still finish. Changed without the server's lock: the drain timer that
    // takes a route off runs on an io loop, and an io loop must never wait for a reload that is binding sockets
    // on it (that wait would never end).
    private final List<RouteContext> draining = new CopyOnWriteArrayList<>();

    public RouteTable(Transport transport, EventLoopGroup ioGroup, AddressResolverGroup<? extends SocketAddress> resolver,
                      RelayMetrics metrics, ConnectionRegistry registry, Consumer<ConnectionSummary> onClosed,
                      Supplier<Collection<UpstreamPool>> otherPools, InheritedSockets inherited) {
        this.transport = transport;
        this.ioGroup = ioGroup;
        this.resolver = resolver;
        this.metrics = metrics;
        this.registry = registry;
        this.onClosed = onClosed;
        this.binder = new ListenerBinder(transport, ioGroup, inherited);
        this.discoveries = new Discoveries(transport, ioGroup::next);
        // The upstream metrics cover the other routes' pools too (UDP's): one metric family has one exporter.
        metrics.export(built -> RouteMetricsExport.register(built, this::running, registry, otherPools));
    }

    /**
     * Makes the running routes and listeners match {@code next}; binds first, so a bind failure
     * ({@link dev.relay.core.base.RelayStartException}) changes nothing.
     */
    public ReloadResult apply(ServerConfig next) {
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
        Map<Endpoint, ListenerRoutes> owners = ListenerRoutes.byAddress(next.routes(), nextRoutes);
        Map<Endpoint, Listener> bound = bindNewListeners(owners, next);

        // Nothing below can fail: commit.
        // Certificates are read again on every reload (SIGHUP), so renewed files are served without a restart.
        for (RouteConfig route : next.routes()) {
            if (!added.contains(route.name()) && !changed.contains(route.name())
                    && (route.tls().enabled() || route.upstreamTls().enabled())) {
                nextRoutes.get(route.name()).reloadTls(route);
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
        routes = Collections.unmodifiableMap(new LinkedHashMap<>(nextRoutes));
        listenerView = Map.copyOf(listeners);
        discoveries.apply(next.routes(), next.dns(), name -> routes.get(name).poolTarget());
        checkers.restart(added, changed, removed, name -> {
            RouteContext route = routes.get(name);
            return HealthChecker.start(() -> route.state().pool(), ioGroup.next(), transport, resolver);
        });
        added.forEach(name -> logStarted(next.route(name).orElseThrow()));
        return new ReloadResult(added, changed, removed, List.of());
    }

    private void logStarted(RouteConfig route) {
        log.info("route {} listening on {} -> {} ({})", route.name(),
                localAddresses(route.name()).stream().map(Addresses::format).collect(Collectors.joining(", ")),
                route.upstreamsText(), route.balance().label());
        if (route.usesUnixSockets() && !transport.halfClosesUnixSockets()) {
            log.warn("route {}: on the {} transport a FIN on a Unix socket closes that side, so a reply sent after "
                    + "it is lost; the epoll transport relays it", route.name(), transport.kind());
        }
    }

    private Map<Endpoint, Listener> bindNewListeners(Map<Endpoint, ListenerRoutes> owners, ServerConfig next) {
        Map<Endpoint, Listener> bound = new LinkedHashMap<>();
        for (var entry : owners.entrySet()) {
            Endpoint endpoint = entry.getKey();
            if (listeners.containsKey(endpoint)) {
                continue;
            }
            Listener listener = new Listener(endpoint, entry.getValue());
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

    /** The discovery sources of the routes that have one. */
    public Discoveries discoveries() {
        return discoveries;
    }

    /** A removed route's connections may finish for up to {@code within}; the ones still open then are closed. */
    private void drain(RouteContext route, Duration within) {
        log.info("route {} removed: {} open connections may finish within {}ms", route.name(),
                route.openConnections(), within.toMillis());
        draining.add(route);
        ioGroup.next().schedule(() -> {
            for (RelayConnection connection : registry.connections()) {
                if (connection.route().equals(route.name())) {
                    connection.client().eventLoop().execute(() -> connection.close(CloseReason.ROUTE_REMOVED));
                }
            }
            draining.remove(route);
            metrics.removeRoute(route.name());
            route.retire();
        }, within.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Serves renewed certificate files to new connections; open connections keep the TLS they have. */
    public void reloadChangedCertificates() {
        for (RouteContext route : routes.values()) {
            RouteConfig running = route.state().config();
            List<Path> files = CertificateFiles.of(running);
            if (!files.isEmpty() && certificateFiles.changed(route.name(), files)) {
                log.info("route {}: its certificate files changed; new connections get them", route.name());
                route.reloadTls(running);
            }
        }
    }

    /** Every listening socket of the running routes (several per address with SO_REUSEPORT). */
    public List<Channel> listenerChannels() {
        return listenerView.values().stream().flatMap(listener -> listener.channels().stream()).toList();
    }

    /** The running routes, by name. */
    public Map<String, RouteContext> routes() {
        return routes;
    }

    /** The routes serving or draining, for the metrics read at scrape time. */
    private Collection<RouteContext> running() {
        List<RouteContext> all = new ArrayList<>(routes.values());
        all.addAll(draining);
        return all;
    }

    /** The addresses {@code route}'s listeners are bound to, in config order. */
    public List<SocketAddress> localAddresses(String route) {
        RouteContext running = routes.get(route);
        if (running == null) {
            throw new ConfigException("no route named " + route);
        }
        Map<Endpoint, Listener> bound = listenerView;
        return running.state().config().listen().stream()
                .map(bound::get)
                .filter(Objects::nonNull)
                .map(Listener::localAddress)
                .toList();
    }

    /** Every route's counters added up, as a copy. */
    public RelayCounters counters() {
        return RelayCounters.sum(running().stream().map(RouteContext::counters).toList());
    }

    /** The live counters of one route. */
    public RelayCounters counters(String route) {
        RouteContext context = routes.get(route);
        if (context == null) {
            throw new ConfigException("no route named " + route);
        }
        return context.counters();
    }

    /**
     * Closes every listener and stops the health checks: the first step of a stop. The listeners stay in the table,
     * closed, so {@link #localAddresses} still tells where the relay was.
     */
    public void stopListening() {
        stopListening(false);
    }

    /** The same; with {@code keepFiles}, Unix sockets' files stay (a hand-over gave them to another process). */
    public void stopListening(boolean keepFiles) {
        listeners.values().forEach(keepFiles ? Listener::closeKeepingFiles : Listener::close);
        checkers.closeAll();
        discoveries.closeAll();
    }

    /** Ends what the routes hold beyond their connections (capture files): the last step of a stop. */
    public void retireAll() {
        running().forEach(RouteContext::retire);
    }
}
