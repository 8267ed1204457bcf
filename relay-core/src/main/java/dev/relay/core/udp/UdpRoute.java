package dev.relay.core.udp;

import dev.relay.core.base.ClientCounts;
import dev.relay.core.config.RouteConfig;
import dev.relay.core.toxic.ToxicSet;
import dev.relay.core.upstream.DiscoveredEndpoints;
import dev.relay.core.upstream.UpstreamPool;

import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * One UDP route while it runs: its config and upstream pool (replaced whole by a reload, read once per new
 * session), its session limits, its counters. Its listeners' sessions may live on different event loops, so what
 * they share here is atomic.
 */
public final class UdpRoute {

    /** A route's config and the pool built from it: what one session uses from start to end. */
    public record State(RouteConfig config, UpstreamPool pool) { }

    private final String name;
    private final UdpCounters counters = new UdpCounters();
    private final AtomicInteger sessions = new AtomicInteger();
    private final ClientCounts perClient = new ClientCounts();
    private final ToxicSet toxics = new ToxicSet(true);
    private final Consumer<UdpSessionSummary> onClosed;
    private volatile State state;

    UdpRoute(RouteConfig config, Consumer<UdpSessionSummary> onClosed) {
        this.name = config.name();
        this.onClosed = onClosed;
        this.state = new State(config, UpstreamPool.create(config));
        toxics.declare(config.toxics());
    }

    public String name() {
        return name;
    }

    public State state() {
        return state;
    }

    public UdpCounters counters() {
        return counters;
    }

    /** The route's toxics: read by every session for each datagram, changed at run time (a test, the API). */
    public ToxicSet toxics() {
        return toxics;
    }

    /** Sessions open now, on every listener of the route. */
    public int openSessions() {
        return sessions.get();
    }

    /** Applies a changed config to new sessions; open ones keep the settings and upstream they started with. */
    synchronized void update(RouteConfig config) {
        state = new State(config, UpstreamPool.create(config, state.pool()));
        toxics.declare(config.toxics());
    }

    /** The upstreams the route's discovery source gives now, for new sessions; open ones keep theirs. */
    synchronized void discovered(DiscoveredEndpoints endpoints) {
        State now = state;
        state = new State(now.config(), now.pool().with(endpoints));
    }

    /** Counts a new session from {@code client} unless a limit of {@code config} is reached; pair with {@link #release}. */
    boolean admit(InetAddress client, RouteConfig config) {
        int max = config.limits().maxConnections();
        if (sessions.incrementAndGet() > max) {
            sessions.decrementAndGet();
            return false;
        }
        if (!perClient.tryAcquire(client, config.limits().maxConnectionsPerClient())) {
            sessions.decrementAndGet();
            return false;
        }
        return true;
    }

    void release(InetAddress client) {
        perClient.release(client);
        sessions.decrementAndGet();
    }

    void closed(UdpSessionSummary summary) {
        onClosed.accept(summary);
    }
}
