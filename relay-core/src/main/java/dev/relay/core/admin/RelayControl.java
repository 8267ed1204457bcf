package dev.relay.core.admin;

import dev.relay.core.discovery.DiscoveryStatus;
import dev.relay.core.metrics.RelayMetrics;
import dev.relay.core.proxy.ConnectionRegistry;
import dev.relay.core.proxy.RouteContext;
import dev.relay.core.server.ReloadResult;
import dev.relay.core.udp.UdpRoute;

import java.net.SocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the admin API reads of a running relay and asks of it, and no more: the admin knows the relay through this,
 * not through the server that implements it ({@link dev.relay.core.RelayServer}).
 */
public interface RelayControl {

    /** The running routes, by name: their live config, upstream pool, counters and drain switch. */
    Map<String, RouteContext> routes();

    /** The running UDP routes, by name: their live config, upstream pool, sessions and counters. */
    Map<String, UdpRoute> udpRoutes();

    /** The connections open right now. */
    ConnectionRegistry connections();

    /** The addresses {@code route}'s listeners are bound to. */
    List<SocketAddress> localAddresses(String route);

    RelayMetrics metrics();

    /** True while a route's discovery source has not answered yet: health answers 503, the relay is not ready. */
    default boolean waitingForUpstreams() {
        return false;
    }

    /** How {@code route}'s discovery source is doing, when its upstreams are discovered. */
    default Optional<DiscoveryStatus> discovery(String route) {
        return Optional.empty();
    }

    /** True once the relay is stopping: health answers 503 while connections drain. */
    boolean isStopping();

    /** True when the relay knows where to read its config again, so that a reload can be asked for. */
    boolean hasConfigSource();

    /** Reads the config from its source and applies it; throws, changing nothing, when it cannot. Blocks. */
    ReloadResult reloadFromSource();
}
