package dev.relay.core.udp;

import io.netty.channel.Channel;
import dev.relay.core.config.Durations;
import dev.relay.core.base.Addresses;
import dev.relay.core.config.ConfigException;
import dev.relay.core.config.Endpoint;
import dev.relay.core.config.RouteConfig;
import dev.relay.core.config.ServerConfig;
import dev.relay.core.discovery.Discoveries;
import dev.relay.core.discovery.PoolTarget;
import dev.relay.core.handover.InheritedSockets;
import dev.relay.core.transport.Transport;
import dev.relay.core.upstream.ChecksByRoute;
import dev.relay.core.upstream.UdpHealthChecker;
import dev.relay.core.upstream.UpstreamPool;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.resolver.AddressResolverGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The running UDP routes and their listeners. A reload is two steps, so that it stays all or nothing with the TCP
 * routes: {@link #bind} binds the listen addresses that are new (and can fail, changing nothing), then
 * {@link #commit} applies the rest, which cannot fail. A listen address that stays keeps its socket and its
 * sessions, whatever else of its route changed; one that goes stops opening sessions and closes when its sessions
 * have ended or the drain timeout is up. Changes come under the server's lock; the reads take none.
 */
public final class UdpRoutes {

    private static final Logger log = LoggerFactory.getLogger(UdpRoutes.class);

    private final Transport transport;
    private final EventLoopGroup group;
    private final AddressResolverGroup<? extends SocketAddress> resolver;
    private final Consumer<UdpSessionSummary> onClosed;
    private final AtomicLong sessionIds = new AtomicLong();
    /**
     * Every UDP socket the routes open (listeners, sessions' sockets, health checks' probes; a closed one leaves by
     * itself), so that a stop closes each and waits for it before the loops end: a socket still open when its loop
     * ends would keep the buffer of its pending read (io_uring).
     */
    private final ChannelGroup sockets = new DefaultChannelGroup("udp", GlobalEventExecutor.INSTANCE);
    // Changed only under the server's lock.
    private final Map<Endpoint, UdpListener> listeners = new LinkedHashMap<>();
    private final ChecksByRoute checkers = new ChecksByRoute();
    private final Discoveries discoveries;
    // Replaced whole, read without a lock.
    private volatile Map<String, UdpRoute> routes = Map.of();
    private volatile Map<Endpoint, UdpListener> listenerView = Map.of();
    /** Listeners a reload took away, closing once their sessions end; removed when closed (on an io loop). */
    private final List<UdpListener> draining = new CopyOnWriteArrayList<>();

    private final InheritedSockets inherited;

    public UdpRoutes(Transport transport, EventLoopGroup group, AddressResolverGroup<? extends SocketAddress> resolver,
                     Consumer<UdpSessionSummary> onClosed, InheritedSockets inherited) {
        this.inherited = inherited;
        this.transport = transport;
        this.group = group;
        this.resolver = resolver;
        this.onClosed = onClosed;
        this.discoveries = new Discoveries(transport, group::next);
    }

    /** What {@link #bind} made ready for {@link #commit}: new routes and the listeners bound for them. */
    public static final class Pending {
        private final Map<String, UdpRoute> created = new LinkedHashMap<>();
        private final Map<Endpoint, UdpListener> bound = new LinkedHashMap<>();

        /** Undoes {@link #bind}: the reload failed elsewhere. */
        public void abandon() {
            bound.values().forEach(UdpListener::close);
        }
    }

    /** Binds the UDP listen addresses of {@code next} not bound yet; on a failure, closes what it bound and throws. */
    public Pending bind(ServerConfig next) {
        Pending pending = new Pending();
        try {
            for (RouteConfig config : next.routes()) {
                if (!config.isUdp()) {
                    continue;
                }
                UdpRoute route = routes.get(config.name());
                if (route == null) {
                    route = new UdpRoute(config, onClosed);
                    pending.created.put(config.name(), route);
                }
                for (Endpoint endpoint : config.listen()) {
                    if (!listeners.containsKey(endpoint)) {
                        pending.bound.put(endpoint, UdpListener.bind((Endpoint.Inet) endpoint, route, transport,
                                group, next.reusePort(), resolver, sessionIds, sockets, inherited));
                    }
                }
            }
        } catch (RuntimeException e) {
            pending.abandon();
            throw e;
        }
        return pending;
    }

    /** The routes added, changed and removed, as a reload reports them. */
    public record Changes(List<String> added, List<String> changed, List<String> removed) { }

    /** Makes the running UDP routes match {@code next}, with what {@code pending} bound. Cannot fail. */
    public Changes commit(Pending pending, ServerConfig next) {
        Map<String, UdpRoute> nextRoutes = new LinkedHashMap<>();
        Map<Endpoint, UdpRoute> owners = new LinkedHashMap<>();
        List<String> added = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        for (RouteConfig config : next.routes()) {
            if (!config.isUdp()) {
                continue;
            }
            UdpRoute route = pending.created.get(config.name());
            if (route != null) {
                added.add(config.name());
            } else {
                route = routes.get(config.name());
                if (!route.state().config().equals(config)) {
                    route.update(config);
                    changed.add(config.name());
                    log.info("udp route {} changed: applies to new sessions, {} open ones keep the old settings",
                            config.name(), route.openSessions());
                }
            }
            nextRoutes.put(config.name(), route);
            for (Endpoint endpoint : config.listen()) {
                owners.put(endpoint, route);
            }
        }
        for (var it = listeners.entrySet().iterator(); it.hasNext(); ) {
            var entry = it.next();
            UdpRoute owner = owners.get(entry.getKey());
            if (owner == null) {
                it.remove();
                retire(entry.getValue(), next.drainTimeout());
            } else {
                entry.getValue().route(owner);
            }
        }
        listeners.putAll(pending.bound);
        List<String> removed = routes.keySet().stream().filter(name -> !nextRoutes.containsKey(name)).toList();
        removed.forEach(name -> log.info("udp route {} removed: its {} open sessions may go on for up to {}ms",
                name, routes.get(name).openSessions(), next.drainTimeout().toMillis()));
        routes = Collections.unmodifiableMap(nextRoutes);
        listenerView = Map.copyOf(listeners);
        // A UDP route's sessions to a removed upstream end by their idle timeout: nothing to close.
        discoveries.apply(next.routes().stream().filter(RouteConfig::isUdp).toList(), next.dns(),
                name -> new PoolTarget(name, () -> nextRoutes.get(name).state().pool(), nextRoutes.get(name)::discovered,
                        gone -> { }));
        checkers.restart(added, changed, removed, name -> {
            UdpRoute route = nextRoutes.get(name);
            return UdpHealthChecker.start(() -> route.state().pool(), group.next(), transport, resolver, sockets::add);
        });
        added.forEach(name -> logStarted(nextRoutes.get(name)));
        return new Changes(added, changed, removed);
    }

    private void retire(UdpListener listener, Duration within) {
        log.info("stopped opening udp sessions on {}: closing once its sessions end, within {}ms",
                listener.endpoint(), within.toMillis());
        draining.add(listener);
        listener.closed().thenRun(() -> draining.remove(listener));
        listener.drain(within.toNanos());
    }

    private void logStarted(UdpRoute route) {
        RouteConfig config = route.state().config();
        log.info("udp route {} listening on {} -> {} ({}, idle timeout {}, transport {})", route.name(),
                localAddresses(route.name()).stream().map(Addresses::format).collect(Collectors.joining(", ")),
                config.upstreamsText(), config.balance().label(), Durations.format(config.timeouts().idle()),
                transport.kind());
    }


    /** Every UDP listen socket of the running routes (several per address with SO_REUSEPORT). */
    public List<Channel> listenerChannels() {
        return listenerView.values().stream().flatMap(listener -> listener.channels().stream()).toList();
    }

    /** The discovery sources of the UDP routes that have one. */
    public Discoveries discoveries() {
        return discoveries;
    }

    /** The running UDP routes, by name. */
    public Map<String, UdpRoute> routes() {
        return routes;
    }

    /** The pools of the running routes, for the upstream metrics. */
    public Collection<UpstreamPool> pools() {
        return routes.values().stream().map(route -> route.state().pool()).toList();
    }

    /** Sessions open on every listener, the draining ones included. */
    public int openSessions() {
        return routes.values().stream().mapToInt(UdpRoute::openSessions).sum();
    }

    /** The addresses {@code route}'s listeners are bound to, in config order. */
    public List<SocketAddress> localAddresses(String route) {
        UdpRoute running = routes.get(route);
        if (running == null) {
            throw new ConfigException("no route named " + route);
        }
        Map<Endpoint, UdpListener> bound = listenerView;
        return running.state().config().listen().stream()
                .map(bound::get)
                .filter(Objects::nonNull)
                .map(UdpListener::localAddress)
                .toList();
    }

    /**
     * The first step of a stop: no listener opens a session from now on, the health checks end, and each listener
     * closes once its sessions have ended or {@code within} is up. Returns what completes when all are closed.
     */
    public CompletableFuture<Void> drain(Duration within) {
        checkers.closeAll();
        discoveries.closeAll();
        List<CompletableFuture<Void>> closing = new ArrayList<>();
        for (UdpListener listener : all()) {
            listener.drain(within.toNanos());
            closing.add(listener.closed());
        }
        return CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new));
    }

    /**
     * Waits for {@code drained} up to {@code max}; then closes what is left at once and waits a moment for that, so
     * that the loops do not stop under closing sockets. Blocks: never on an io loop.
     */
    public void awaitDrained(CompletableFuture<Void> drained, Duration max) throws InterruptedException {
        try {
            drained.get(Math.max(1, max.toMillis()), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            closeNow();
            try {
                drained.get(FORCED_CLOSE_GRACE_SECONDS, TimeUnit.SECONDS);
            } catch (TimeoutException | ExecutionException ignored) {
                // the loops stop anyway, and close what is left
            }
        }
    }

    private static final long FORCED_CLOSE_GRACE_SECONDS = 5;

    /** Closes every listener now; their sessions end ("stopped"). */
    public void closeNow() {
        all().forEach(UdpListener::close);
    }

    /** The last step of a stop, before the loops end: closes every UDP socket left and waits a moment for them. */
    public void closeSockets() {
        checkers.closeAll();
        sockets.close().awaitUninterruptibly(FORCED_CLOSE_GRACE_SECONDS, TimeUnit.SECONDS);
    }

    private List<UdpListener> all() {
        List<UdpListener> all = new ArrayList<>(listeners.values());
        all.addAll(draining);
        return all;
    }
}
