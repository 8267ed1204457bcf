package dev.relay.core.proxy;

import dev.relay.core.capture.PcapCapture;
import dev.relay.core.config.CaptureConfig;
import dev.relay.core.config.Endpoint;
import dev.relay.core.config.RouteConfig;
import dev.relay.core.discovery.PoolTarget;
import dev.relay.core.metrics.RelayCounter;
import dev.relay.core.metrics.RelayCounters;
import dev.relay.core.metrics.RouteMetrics;
import dev.relay.core.tls.ClientTls;
import dev.relay.core.tls.ServerTls;
import dev.relay.core.toxic.ToxicSet;
import dev.relay.core.transport.Transport;
import dev.relay.core.upstream.DiscoveredEndpoints;
import dev.relay.core.upstream.UpstreamPool;
import io.netty.channel.Channel;
import io.netty.resolver.AddressResolverGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.SocketAddress;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * One route while it runs: its current config and upstream pool (replaced whole by a reload, read once per new
 * connection as a {@link State}), its TLS, capture and toxics, its counters. Who gets in is its {@link Admission};
 * how a client reaches an upstream is its {@link UpstreamDialer}. Thread-safe: every event loop accepts for it.
 */
public final class RouteContext {

    private static final Logger log = LoggerFactory.getLogger(RouteContext.class);

    /** A route's config and the pool built from it: what one connection uses from start to end. */
    public record State(RouteConfig config, UpstreamPool pool) { }

    private final String name;
    private final Transport transport;
    private final RelayCounters counters = new RelayCounters();
    private final Admission admission;
    private final UpstreamDialer dialer;
    private final ToxicSet toxics = new ToxicSet();
    private final ConnectionRegistry registry;
    private volatile State state;
    private volatile PcapCapture capture;
    private volatile ServerTls tls;
    private volatile ClientTls upstreamTls;

    public RouteContext(RouteConfig config, Transport transport, AddressResolverGroup<? extends SocketAddress> resolver,
                        ConnectionRegistry registry, AtomicLong connectionIds, RouteMetrics metrics,
                        Consumer<ConnectionSummary> onClosed, boolean splice) {
        this.name = config.name();
        this.transport = transport;
        this.registry = registry;
        this.admission = new Admission(name, counters, metrics, registry, connectionIds, onClosed);
        this.dialer = new SocketDialer(this, transport, resolver, splice);
        this.state = new State(config, UpstreamPool.create(config));
        this.capture = config.capture().configured() ? PcapCapture.open(config.capture()) : null;
        this.tls = config.tls().enabled() ? ServerTls.load(name, config.tls()) : null;
        this.upstreamTls = config.upstreamTls().enabled() ? ClientTls.load(name, config.upstreamTls()) : null;
        // Connections already relaying when the first toxic arrives get their toxic handlers too.
        toxics.onFirstToxic(() -> registry.connections().stream().filter(c -> c.route().equals(name))
                .forEach(c -> c.client().eventLoop().execute(() -> c.installToxics(toxics))));
        toxics.declare(config.toxics());
    }

    public String name() {
        return name;
    }

    public State state() {
        return state;
    }

    /** Applies a changed config to new connections; open ones keep the state they started with. */
    public void update(RouteConfig config) {
        CaptureConfig before = state.config().capture();
        reloadTls(config);
        // Only the swap is under the lock a discovery source takes too: it may run on an event loop, which must
        // never wait for the certificate files read above.
        synchronized (this) {
            state = new State(config, UpstreamPool.create(config, state.pool()));
        }
        toxics.declare(config.toxics());
        CaptureConfig after = config.capture();
        if (!after.equals(before)) {
            PcapCapture running = capture;
            if (running != null && after.configured() && running.file().equals(after.pcap())
                    && before.maxBytes() == after.maxBytes()) {
                running.enabled(after.enabled());
            } else {
                capture = after.configured() ? PcapCapture.open(after) : null;
                if (running != null) {
                    running.close();
                }
            }
        }
    }

    /** The upstreams the route's discovery source gives now, for new connections; open ones keep theirs. */
    public synchronized void discovered(DiscoveredEndpoints endpoints) {
        State now = state;
        state = new State(now.config(), now.pool().with(endpoints));
    }

    /** How discovery reaches this route: its pool, and its open connections to upstreams the source removed. */
    public PoolTarget poolTarget() {
        return new PoolTarget(name, () -> state.pool(), this::discovered, this::closeConnectionsTo);
    }

    private void closeConnectionsTo(Set<Endpoint> gone) {
        for (RelayConnection connection : registry.connections()) {
            // The toxics' view of a connection's upstream is the address it dialed: the one to match here.
            if (connection.route().equals(name) && gone.contains(connection.toxicUpstream())) {
                connection.client().eventLoop().execute(() -> connection.close(CloseReason.UPSTREAM_REMOVED));
            }
        }
    }

    /** The route's toxics: empty, so the pipeline is the plain relay's, until a test or the API adds one. */
    public ToxicSet toxics() {
        return toxics;
    }

    /**
     * Reads the route's certificates again (a reload does, so renewed files are served without a restart); new
     * connections get them, open ones keep theirs. A file that cannot be read keeps the previous certificates.
     */
    public void reloadTls(RouteConfig config) {
        try {
            tls = config.tls().enabled() ? ServerTls.load(name, config.tls()) : null;
            upstreamTls = config.upstreamTls().enabled() ? ClientTls.load(name, config.upstreamTls()) : null;
        } catch (RuntimeException e) {
            log.error("route {}: {}; still using the previous certificates", name, e.getMessage());
        }
    }

    /** The route's TLS to its upstreams, or null when it connects in plain TCP. */
    public ClientTls upstreamTls() {
        return upstreamTls;
    }

    /** The route's TLS, or null when it relays plain TCP. */
    public ServerTls tls() {
        return tls;
    }

    /** The route's pcap capture, or null when its config has none. */
    public PcapCapture capture() {
        return capture;
    }

    /** Ends what the route holds beyond its connections (its capture file), once it is gone. */
    public void retire() {
        PcapCapture running = capture;
        capture = null;
        if (running != null) {
            running.close();
        }
    }

    /**
     * Draining: new clients are reset at once (reason {@code draining}) while open connections go on; an operator's
     * way to empty a route before maintenance. Resuming takes new clients again.
     */
    public void draining(boolean value) {
        if (admission.draining() != value) {
            admission.draining(value);
            log.info("route {} {}: {} open connections", name, value ? "draining, refusing new clients" : "resumed",
                    openConnections());
        }
    }

    public boolean draining() {
        return admission.draining();
    }

    public Transport transport() {
        return transport;
    }

    public RelayCounters counters() {
        return counters;
    }

    /** Open connections on this route, counted from admission to the client socket's close. */
    public int openConnections() {
        return admission.openConnections();
    }

    /** Who gets in on this route, and the owner of the connections it lets in. */
    Admission admission() {
        return admission;
    }

    /** How this route's clients reach its upstreams. */
    UpstreamDialer dialer() {
        return dialer;
    }

    /** A PROXY header that could not be accepted: counted, logged at a bounded pace, and the connection closed. */
    void rejectProxyHeader(Channel client, String why) {
        admission.refuseBeforeRelaying(client, RelayCounter.CONNECTIONS_REJECTED_PROXY, "peer", why);
    }

    /** A client no route on its listen address takes by server name: counted, logged at a bounded pace, closed. */
    void rejectServerName(Channel client, String why) {
        admission.refuseBeforeRelaying(client, RelayCounter.CONNECTIONS_REJECTED_SERVER_NAME, "client", why);
    }
}
