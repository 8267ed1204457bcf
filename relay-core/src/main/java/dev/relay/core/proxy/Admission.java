package dev.relay.core.proxy;

import dev.relay.core.base.ClientCounts;
import dev.relay.core.proxyheader.ClientAddress;
import dev.relay.core.base.Addresses;
import dev.relay.core.base.RateLimitedLog;
import dev.relay.core.config.RouteConfig;
import dev.relay.core.metrics.RelayCounter;
import dev.relay.core.metrics.RelayCounters;
import dev.relay.core.metrics.RouteMetrics;
import io.netty.channel.Channel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Who gets in on one route: the drain switch, the ACL and the connection limits, checked once per client; the
 * refusals counted and logged at a bounded pace. It opens each admitted client's {@link RelayConnection} and is that
 * connection's {@link ConnectionOwner}: it counts the client until its socket closes and hears when the pair is done.
 * Thread-safe: every event loop accepts for the route.
 */
final class Admission implements ConnectionOwner {

    private static final Logger log = LoggerFactory.getLogger(Admission.class);
    private static final long REJECT_LOG_INTERVAL_MILLIS = 1_000;

    private final String route;
    private final RelayCounters counters;
    private final RouteMetrics metrics;
    private final ConnectionRegistry registry;
    private final AtomicLong connectionIds;
    private final Consumer<ConnectionSummary> onClosed;
    private final AtomicInteger admitted = new AtomicInteger();
    private final ClientCounts perClient = new ClientCounts();
    private final RateLimitedLog rejections = new RateLimitedLog(log, REJECT_LOG_INTERVAL_MILLIS);
    private volatile boolean draining;

    Admission(String route, RelayCounters counters, RouteMetrics metrics, ConnectionRegistry registry,
              AtomicLong connectionIds, Consumer<ConnectionSummary> onClosed) {
        this.route = route;
        this.counters = counters;
        this.metrics = metrics;
        this.registry = registry;
        this.connectionIds = connectionIds;
        this.onClosed = onClosed;
    }

    void draining(boolean value) {
        draining = value;
    }

    boolean draining() {
        return draining;
    }

    /** Open connections on the route, counted from admission to the client socket's close. */
    int openConnections() {
        return admitted.get();
    }

    /**
     * Lets {@code client} in when the route's ACL and limits allow it, counts it until its socket closes, and returns
     * its connection; otherwise resets it at once, counts and logs why, and returns null.
     */
    RelayConnection admit(Channel client, RouteConfig config) {
        InetAddress address = ClientAddress.ip(client);
        if (draining) {
            reject(client, RelayCounter.CONNECTIONS_REJECTED_DRAINING, "route draining");
            return null;
        }
        if (!config.acl().allows(address)) {
            reject(client, RelayCounter.CONNECTIONS_REJECTED_ACL, "denied by the acl");
            return null;
        }
        int max = config.limits().maxConnections();
        if (admitted.incrementAndGet() > max && max > 0) {
            admitted.decrementAndGet();
            reject(client, RelayCounter.CONNECTIONS_REJECTED_LIMIT, "route at max_connections " + max);
            return null;
        }
        int perClientMax = config.limits().maxConnectionsPerClient();
        if (address != null && !perClient.tryAcquire(address, perClientMax)) {
            admitted.decrementAndGet();
            reject(client, RelayCounter.CONNECTIONS_REJECTED_LIMIT,
                    "client at max_connections_per_client " + perClientMax);
            return null;
        }
        RelayConnection connection = new RelayConnection(connectionIds.incrementAndGet(), route, client, address,
                counters, this);
        registry.add(connection);
        return connection;
    }

    private void reject(Channel client, RelayCounter counter, String why) {
        counters.increment(counter);
        rejections.warn("route={} refused client={}: {}", route, Addresses.format(ClientAddress.of(client)), why);
        Channels.reset(client);
    }

    /** Closed before relaying began; {@code who} names the remote end in the log (a PROXY peer is not the client). */
    void refuseBeforeRelaying(Channel client, RelayCounter counter, String who, String why) {
        counters.increment(counter);
        rejections.warn("route={} refused {}={}: {}", route, who, Addresses.format(client.remoteAddress()), why);
        client.close();
    }

    @Override
    public void clientClosed(RelayConnection connection) {
        admitted.decrementAndGet();
        if (connection.admittedAs() != null) {
            perClient.release(connection.admittedAs());
        }
    }

    @Override
    public void finished(RelayConnection connection, ConnectionSummary summary) {
        registry.remove(connection);
        if (summary.connectTime() != null) {
            metrics.connected(summary.connectTime().toNanos());
        }
        metrics.finished(summary.duration().toNanos());
        onClosed.accept(summary);
    }
}
