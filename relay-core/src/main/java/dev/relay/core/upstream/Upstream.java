package dev.relay.core.upstream;

import dev.relay.core.config.Endpoint;
import dev.relay.core.config.HealthCheckConfig;
import dev.relay.core.config.UpstreamConfig;
import dev.relay.core.transport.Transport;
import io.netty.resolver.AddressResolverGroup;
import io.netty.resolver.NoopAddressResolverGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * One upstream's live state: open connections, health by active checks, passive ejection. Shared by every event
 * loop, so its fields are atomic or volatile; it outlives a reload that keeps its address, so a changed route
 * keeps knowing which upstreams are down and how busy each is.
 */
public final class Upstream {

    private static final Logger log = LoggerFactory.getLogger(Upstream.class);

    private final String route;
    private final Endpoint address;
    /** The address as logs and summaries show it, made once rather than for every connection. */
    private final String name;
    private final boolean needsLookup;
    /** The address connects dial, made once: it is immutable, so every connection to this upstream shares it. */
    private volatile SocketAddress dialAddress;
    private volatile UpstreamConfig config;
    private final AtomicInteger active = new AtomicInteger();
    private volatile boolean checkedUp = true;
    private int checkStreak;
    private final AtomicInteger connectFailuresInARow = new AtomicInteger();
    private final LongAdder connectAttempts = new LongAdder();
    private final LongAdder[] connectFailures = new LongAdder[ConnectFailure.values().length];
    private volatile long ejectedUntilNanos;
    /** Kept for its open connections only: its discovery source says it is going away. */
    private volatile boolean draining;
    private final AtomicBoolean ejected = new AtomicBoolean();

    Upstream(String route, UpstreamConfig config) {
        this.route = route;
        this.address = config.address();
        this.name = address.toString();
        this.config = config;
        for (int i = 0; i < connectFailures.length; i++) {
            connectFailures[i] = new LongAdder();
        }
        this.needsLookup = address instanceof Endpoint.Inet
                && address.toSocketAddress() instanceof InetSocketAddress inet && inet.isUnresolved();
    }

    /**
     * What connects to this upstream resolve with: {@code dns} for a hostname, nothing for an address. Netty's DNS
     * client opens a UDP socket on each event loop it is asked for, which routes to IP addresses never need.
     */
    public AddressResolverGroup<? extends SocketAddress> resolverFrom(AddressResolverGroup<? extends SocketAddress> dns) {
        return needsLookup ? dns : NoopAddressResolverGroup.INSTANCE;
    }

    public Endpoint address() {
        return address;
    }

    /**
     * The socket address to connect to with {@code transport}, made at the first connect instead of at every one
     * (parsing the address, and an address object each connection's channel would keep). A relay has one
     * transport, so the first caller's answer holds for all; a race only makes the same address twice.
     */
    public SocketAddress dialAddress(Transport transport) {
        SocketAddress made = dialAddress;
        if (made == null) {
            made = transport.addressFor(address);
            dialAddress = made;
        }
        return made;
    }

    public String name() {
        return name;
    }

    public UpstreamConfig config() {
        return config;
    }

    void update(UpstreamConfig value) {
        config = value;
    }

    public int weight() {
        return config.weight();
    }

    public boolean backup() {
        return config.backup();
    }

    /** Open connections to this upstream, connects in flight included. */
    public int activeConnections() {
        return active.get();
    }

    void draining(boolean value) {
        draining = value;
    }

    /** Whether the discovery source says this upstream is going away: no new connections, open ones go on. */
    public boolean draining() {
        return draining;
    }

    /** Healthy and not draining: a new connection may go here. */
    public boolean takesConnections() {
        return !draining && healthy();
    }

    /** Up by the active checks (always, when there are none) and not ejected right now. */
    public boolean healthy() {
        return checkedUp && !isEjected(System.nanoTime());
    }

    public boolean checkedUp() {
        return checkedUp;
    }

    private boolean isEjected(long now) {
        if (!ejected.get()) {
            return false;
        }
        if (now - ejectedUntilNanos < 0) {
            return true;
        }
        if (ejected.compareAndSet(true, false)) {
            log.info("route={} upstream={} back from ejection: taking connections again", route, address);
        }
        return false;
    }

    /** A connection is being dialed to this upstream; pair with {@link #released()}. */
    public void dialing() {
        active.incrementAndGet();
        connectAttempts.increment();
    }

    /** Connects tried by real traffic (health checks not counted). */
    public long connectAttempts() {
        return connectAttempts.sum();
    }

    public long connectFailures(ConnectFailure reason) {
        return connectFailures[reason.ordinal()].sum();
    }

    public void released() {
        active.decrementAndGet();
    }

    public void connectSucceeded() {
        connectFailuresInARow.set(0);
    }

    /** A real connection could not reach this upstream: after enough in a row, it sits out the cool-down. */
    public void connectFailed(HealthCheckConfig health, Throwable cause) {
        connectFailures[ConnectFailure.of(cause).ordinal()].increment();
        int failures = connectFailuresInARow.incrementAndGet();
        if (health.passiveEjection() && failures >= health.ejectAfter() && !ejected.get()) {
            connectFailuresInARow.set(0);
            ejectedUntilNanos = System.nanoTime() + health.ejectFor().toNanos();
            ejected.set(true);
            log.warn("route={} upstream={} ejected for {}ms after {} connect failures in a row",
                    route, address, health.ejectFor().toMillis(), failures);
        }
    }

    /** One active check's outcome. Synchronized: across a reload the old and the new checker may overlap once. */
    synchronized void checked(boolean ok, HealthCheckConfig health, String failure) {
        if (ok == checkedUp) {
            checkStreak = 0;
            return;
        }
        checkStreak++;
        if (checkStreak >= (ok ? health.rise() : health.fall())) {
            checkStreak = 0;
            checkedUp = ok;
            if (ok) {
                log.info("route={} upstream={} is up: {} checks passed", route, address, health.rise());
            } else {
                log.warn("route={} upstream={} is down: {} checks failed, last: {}", route, address, health.fall(),
                        failure);
            }
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
