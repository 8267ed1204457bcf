package dev.relay.core.discovery;

import dev.relay.core.config.Endpoint;
import dev.relay.core.upstream.DiscoveredEndpoints;
import dev.relay.core.upstream.UpstreamPool;

import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A running route as discovery sees it: its pool now, how to give it new endpoints, and how to close its open
 * connections to upstreams that left (a UDP route's sessions end by their idle timeout instead: it passes a no-op).
 *
 * @param route         the route's name
 * @param pool          the route's current pool
 * @param apply         replaces the pool's endpoints, for new connections
 * @param closeRemoved  closes the route's open connections to these addresses
 */
public record PoolTarget(String route, Supplier<UpstreamPool> pool, Consumer<DiscoveredEndpoints> apply,
                         Consumer<Set<Endpoint>> closeRemoved) {
}
