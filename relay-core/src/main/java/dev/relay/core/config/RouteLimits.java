package dev.relay.core.config;

/**
 * How many connections a route takes; zero means no limit. Over a limit a new connection is reset at once.
 *
 * @param maxConnections          open connections on the route
 * @param maxConnectionsPerClient open connections on the route from one client address
 */
public record RouteLimits(int maxConnections, int maxConnectionsPerClient) {

    public static final RouteLimits NONE = new RouteLimits(0, 0);

    public RouteLimits {
        Checks.range("limits.max_connections", maxConnections, 0, 10_000_000);
        Checks.range("limits.max_connections_per_client", maxConnectionsPerClient, 0, 10_000_000);
    }
}
