package dev.relay.core.upstream;

import dev.relay.core.config.Endpoint;
import dev.relay.core.config.RouteConfig;
import dev.relay.core.config.UpstreamConfig;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A route's upstreams and its balancer. Immutable as a list; each {@link Upstream} carries its own live state.
 * A reload builds a new pool from the new config but keeps the {@code Upstream} of every address that stays; so
 * does a discovery source's change ({@link #with(DiscoveredEndpoints)}). A route whose upstreams are discovered
 * keeps the last endpoints its source gave through a reload, until the source says otherwise.
 */
public final class UpstreamPool {

    private final RouteConfig route;
    private final List<Upstream> members;
    private final DiscoveredEndpoints discovered;
    private final Balancer balancer;

    private UpstreamPool(RouteConfig route, List<Upstream> members, DiscoveredEndpoints discovered) {
        this.route = route;
        this.members = List.copyOf(members);
        this.discovered = discovered;
        this.balancer = Balancer.create(route.balance(), this.members);
    }

    public static UpstreamPool create(RouteConfig route) {
        return create(route, null);
    }

    /** A pool for {@code route}, reusing {@code previous}'s upstreams that keep their address. */
    public static UpstreamPool create(RouteConfig route, UpstreamPool previous) {
        if (!route.discovers()) {
            return build(route, route.upstreams(), List.of(), DiscoveredEndpoints.NONE, previous);
        }
        DiscoveredEndpoints last = previous == null ? DiscoveredEndpoints.NONE : previous.discovered;
        return build(route, last.serving(), last.draining(), last, previous);
    }

    /** This pool's route with the upstreams a discovery source now gives, keeping the state of those that stay. */
    public UpstreamPool with(DiscoveredEndpoints endpoints) {
        return build(route, endpoints.serving(), endpoints.draining(), endpoints, this);
    }

    private static UpstreamPool build(RouteConfig route, List<UpstreamConfig> serving, List<UpstreamConfig> draining,
                                      DiscoveredEndpoints discovered, UpstreamPool previous) {
        Map<Endpoint, Upstream> known = new HashMap<>();
        if (previous != null) {
            previous.members.forEach(u -> known.put(u.address(), u));
        }
        List<Upstream> members = new ArrayList<>();
        for (UpstreamConfig config : serving) {
            members.add(member(route, config, false, known));
        }
        for (UpstreamConfig config : draining) {
            members.add(member(route, config, true, known));
        }
        return new UpstreamPool(route, members, discovered);
    }

    private static Upstream member(RouteConfig route, UpstreamConfig config, boolean draining,
                                   Map<Endpoint, Upstream> known) {
        Upstream upstream = known.get(config.address());
        if (upstream == null) {
            upstream = new Upstream(route.name(), config);
        } else {
            upstream.update(config);
        }
        upstream.draining(draining);
        return upstream;
    }

    /** What the route's discovery source last gave; {@link DiscoveredEndpoints#NONE} for written upstreams. */
    public DiscoveredEndpoints discovered() {
        return discovered;
    }

    public List<Upstream> members() {
        return members;
    }

    public RouteConfig route() {
        return route;
    }

    /**
     * The upstream for a new connection from {@code client}, or null when none is healthy. Healthy primaries
     * first, healthy backups only when no primary is; upstreams in {@code tried} are skipped while others remain,
     * so a retry goes somewhere new.
     */
    public Upstream choose(InetAddress client, Set<Upstream> tried) {
        if (members.size() == 1) {
            // The common one-upstream route: no candidate list, no balancer.
            Upstream only = members.get(0);
            return only.takesConnections() ? only : null;
        }
        List<Upstream> candidates = healthy(tried);
        if (candidates.isEmpty() && !tried.isEmpty()) {
            candidates = healthy(Set.of());
        }
        return candidates.isEmpty() ? null : balancer.pick(candidates, client);
    }

    /** The healthy, not draining primaries not in {@code skip}, or when there are none, the healthy backups not in it. */
    private List<Upstream> healthy(Set<Upstream> skip) {
        List<Upstream> primaries = new ArrayList<>(members.size());
        List<Upstream> backups = new ArrayList<>(0);
        for (Upstream upstream : members) {
            if (!skip.contains(upstream) && upstream.takesConnections()) {
                (upstream.backup() ? backups : primaries).add(upstream);
            }
        }
        return primaries.isEmpty() ? backups : primaries;
    }
}
