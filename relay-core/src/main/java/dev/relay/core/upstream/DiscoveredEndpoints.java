package dev.relay.core.upstream;

import dev.relay.core.config.Endpoint;
import dev.relay.core.config.UpstreamConfig;

import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What a discovery source last said a route's upstreams are: those that take new connections, and those that are
 * going away (a terminating Kubernetes endpoint) whose open connections go on but which get no new ones.
 *
 * @param serving  the upstreams new connections go to, with their weights and backup flags
 * @param draining upstreams kept for their open connections only
 */
public record DiscoveredEndpoints(List<UpstreamConfig> serving, List<UpstreamConfig> draining) {

    /** Nothing known yet: the source has not answered. */
    public static final DiscoveredEndpoints NONE = new DiscoveredEndpoints(List.of(), List.of());

    public DiscoveredEndpoints {
        // In address order, so that two answers listing the same endpoints in another order are equal.
        Comparator<UpstreamConfig> byAddress = Comparator.comparing(u -> u.address().toString());
        Set<Endpoint> seen = new HashSet<>();
        serving = serving.stream().filter(u -> seen.add(u.address())).sorted(byAddress).toList();
        // An address both serving and draining (two slices disagreeing for a moment) serves.
        draining = draining.stream().filter(u -> seen.add(u.address())).sorted(byAddress).toList();
    }

    public int size() {
        return serving.size() + draining.size();
    }
}
