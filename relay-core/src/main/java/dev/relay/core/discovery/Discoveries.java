package dev.relay.core.discovery;

import dev.relay.core.base.Failures;
import dev.relay.core.config.DnsConfig;
import dev.relay.core.config.RouteConfig;
import dev.relay.core.config.UpstreamDiscovery;
import dev.relay.core.transport.Transport;
import io.netty.channel.EventLoop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The discovery sources of the running routes, by route name. A reload restarts a route's source only when its
 * discovery settings (or the DNS settings an SRV source asks with) changed; the route keeps its last pool while the
 * new source gets its first answer. Changed under the server's lock only; statuses are read from any thread.
 */
public final class Discoveries {

    private static final Logger log = LoggerFactory.getLogger(Discoveries.class);

    private record Running(UpstreamDiscovery discovery, DnsConfig dns, EndpointSource source, DiscoveryStatus status) { }

    private final Transport transport;
    private final Supplier<EventLoop> loops;
    private final Map<String, Running> running = new LinkedHashMap<>();
    private volatile Map<String, DiscoveryStatus> statuses = Map.of();

    /** {@code loops} gives the event loop a new source's timers and DNS queries run on. */
    public Discoveries(Transport transport, Supplier<EventLoop> loops) {
        this.transport = transport;
        this.loops = loops;
    }

    /**
     * Brings the sources in line with {@code routes}: stops those of routes gone or no longer discovering, starts
     * or restarts those whose settings are new. {@code targets} gives a route's pool by name.
     */
    public void apply(Collection<RouteConfig> routes, DnsConfig dns, Function<String, PoolTarget> targets) {
        Map<String, RouteConfig> wanted = new LinkedHashMap<>();
        routes.stream().filter(RouteConfig::discovers).forEach(route -> wanted.put(route.name(), route));
        for (var it = running.entrySet().iterator(); it.hasNext(); ) {
            var entry = it.next();
            RouteConfig route = wanted.get(entry.getKey());
            if (route == null || !same(entry.getValue(), route.discovery(), dns)) {
                entry.getValue().source().close();
                it.remove();
            }
        }
        for (RouteConfig route : wanted.values()) {
            if (!running.containsKey(route.name())) {
                running.put(route.name(), start(route, dns, targets.apply(route.name())));
            }
        }
        Map<String, DiscoveryStatus> now = new LinkedHashMap<>();
        running.forEach((name, r) -> now.put(name, r.status()));
        statuses = Map.copyOf(now);
    }

    private static boolean same(Running running, UpstreamDiscovery discovery, DnsConfig dns) {
        return running.discovery().equals(discovery)
                && (!(discovery instanceof UpstreamDiscovery.DnsSrv) || running.dns().equals(dns));
    }

    private Running start(RouteConfig route, DnsConfig dns, PoolTarget target) {
        UpstreamDiscovery discovery = route.discovery();
        DiscoveryStatus status = new DiscoveryStatus(discovery.describe());
        PoolUpdates updates = new PoolUpdates(target, discovery, status, loops.get());
        log.info("route={} discovering upstreams from {}", route.name(), discovery.describe());
        EndpointSource source;
        try {
            if (discovery instanceof UpstreamDiscovery.DnsSrv srv) {
                source = new DnsSrvSource(srv, dns, transport, updates);
            } else if (discovery instanceof UpstreamDiscovery.Kubernetes kubernetes) {
                source = new KubernetesSource(kubernetes, updates);
            } else {
                throw new IllegalStateException("discovers nothing");
            }
        } catch (RuntimeException e) {
            // A kubeconfig that cannot be read or parsed, a client that cannot be built: the route keeps its pool; a
            // reload with mended settings starts the source again.
            updates.failedToStart(Failures.describe(e));
            source = updates::close;
        }
        return new Running(discovery, dns, source, status);
    }

    /** The status of {@code route}'s source, when it discovers its upstreams. */
    public Optional<DiscoveryStatus> status(String route) {
        return Optional.ofNullable(statuses.get(route));
    }

    /** Every running source's status, by route. */
    public Map<String, DiscoveryStatus> statuses() {
        return statuses;
    }

    /** Stops every source: a stop. */
    public void closeAll() {
        running.values().forEach(r -> r.source().close());
        running.clear();
        statuses = Map.of();
    }
}
