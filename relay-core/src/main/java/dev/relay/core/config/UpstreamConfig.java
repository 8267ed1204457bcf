package dev.relay.core.config;

/**
 * One upstream of a route.
 *
 * @param address where to connect
 * @param weight  its share of new connections relative to the route's other upstreams (1-1000)
 * @param backup  takes traffic only while no primary upstream is healthy
 */
public record UpstreamConfig(Endpoint address, int weight, boolean backup) {

    public static final int DEFAULT_WEIGHT = 1;

    public UpstreamConfig {
        Checks.require(address != null, "address: missing (expected: an address)");
        Checks.range("weight", weight, 1, 1000);
        if (address instanceof Endpoint.Inet inet) {
            Checks.require(!inet.isWildcard() && inet.port() != 0,
                    "address: " + address + " (expected: a host and a port other than 0)");
        }
    }

    public static UpstreamConfig of(Endpoint address) {
        return new UpstreamConfig(address, DEFAULT_WEIGHT, false);
    }
}
