package dev.relay.core.proxy;

import dev.relay.core.base.RateLimitedLog;
import dev.relay.core.base.Addresses;
import dev.relay.core.capture.PcapCapture;
import dev.relay.core.config.CaptureConfig;
import dev.relay.core.config.Endpoint;
import dev.relay.core.config.RouteConfig;
import dev.relay.core.metrics.RelayCounter;
import dev.relay.core.metrics.RelayCounters;
import dev.relay.core.metrics.RouteMetrics;
import dev.relay.core.transport.Transport;
import dev.relay.core.tls.ClientTls;
import dev.relay.core.tls.ServerTls;
import dev.relay.core.toxic.ToxicSet;
import dev.relay.core.upstream.Upstream;
import dev.relay.core.upstream.UpstreamPool;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.resolver.AddressResolverGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.SocketAddress;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * One route while it runs: its current config and upstream pool (replaced whole by a reload, read once per new
 * connection), its counters, and the admission bookkeeping for its limits. Thread-safe: every event loop
 * accepts for it.
 *
 * <p>Over 300 lines, knowingly: admission, TLS, capture, toxics and the upstream bootstrap of a running route are
 * still one class; a read-only route view, an admission check and an upstream dialer are the planned split.
 */
public final class RouteContext {

    private static final Logger log = LoggerFactory.getLogger(RouteContext.class);
    private static final long REJECT_LOG_INTERVAL_MILLIS = 1_000;

    /** A route's config and the pool built from it: what one connection uses from start to end. */
    public record State(RouteConfig config, UpstreamPool pool) { }

    private final String name;
    private final Transport transport;
    private final RelayCounters counters = new RelayCounters();
    private final ConnectionRegistry registry;
    private final Consumer<ConnectionSummary> onClosed;
    private final RouteMetrics metrics;
    private final AtomicLong connectionIds;
    private final AddressResolverGroup<? extends SocketAddress> resolver;
    private final Bootstrap tcpTemplate;
    private final Bootstrap unixTemplate;
    private final AtomicInteger admitted = new AtomicInteger();
    private final ClientCounts perClient = new ClientCounts();
    private final RateLimitedLog rejections = new RateLimitedLog(log, REJECT_LOG_INTERVAL_MILLIS);
    private volatile State state;
    private volatile boolean draining;
    private volatile PcapCapture capture;
    private final ToxicSet toxics = new ToxicSet();
    private volatile ServerTls tls;
    private volatile ClientTls upstreamTls;
    private final boolean splice;
    private final ConnectionOwner owner = new Owner();

    public RouteContext(RouteConfig config, Transport transport, AddressResolverGroup<? extends SocketAddress> resolver,
                        ConnectionRegistry registry, AtomicLong connectionIds, RouteMetrics metrics,
                        Consumer<ConnectionSummary> onClosed, boolean splice) {
        this.metrics = metrics;
        this.splice = splice;
        this.name = config.name();
        this.transport = transport;
        this.registry = registry;
        this.connectionIds = connectionIds;
        this.onClosed = onClosed;
        this.resolver = resolver;
        this.state = new State(config, UpstreamPool.create(config));
        this.capture = config.capture().configured() ? PcapCapture.open(config.capture()) : null;
        this.tls = config.tls().enabled() ? ServerTls.load(name, config.tls()) : null;
        this.upstreamTls = config.upstreamTls().enabled() ? ClientTls.load(name, config.upstreamTls()) : null;
        // Connections already relaying when the first toxic arrives get their toxic handlers too.
        toxics.onFirstToxic(() -> registry.connections().stream().filter(c -> c.route().equals(name))
                .forEach(c -> c.client().eventLoop().execute(() -> c.installToxics(toxics))));
        // TCP_NODELAY is Netty's default for TCP channels already: setting it again is a wasted system call.
        // SO_KEEPALIVE is set per connect, where the route's idle timeout leaves it something to do.
        this.tcpTemplate = template(transport.socketChannel())
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true);
        // Unix sockets half-close only where the transport's domain channels can (Transport.halfClosesUnixSockets);
        // elsewhere a FIN on a Unix socket ends that side.
        this.unixTemplate = transport.supportsUnixSockets() ? template(transport.domainSocketChannel()) : null;
        if (unixTemplate != null && transport.halfClosesUnixSockets()) {
            unixTemplate.option(ChannelOption.ALLOW_HALF_CLOSURE, true);
        }
    }

    private static Bootstrap template(Class<? extends Channel> channel) {
        return new Bootstrap()
                .channel(channel)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, FlowControl.waterMark())
                .option(ChannelOption.RCVBUF_ALLOCATOR, FlowControl.readAllocator())
                .option(ChannelOption.AUTO_CLOSE, false);
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
        state = new State(config, UpstreamPool.create(config, state.pool()));
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
        if (draining != value) {
            draining = value;
            log.info("route {} {}: {} open connections", name, value ? "draining, refusing new clients" : "resumed",
                    openConnections());
        }
    }

    public boolean draining() {
        return draining;
    }

    public Transport transport() {
        return transport;
    }

    public RelayCounters counters() {
        return counters;
    }

    /** Open connections on this route, counted from admission to the client socket's close. */
    public int openConnections() {
        return admitted.get();
    }

    /**
     * Whether a connection from {@code client} to {@code upstream} may be relayed with splice(2): splicing is on,
     * both sides are TCP on epoll, and nothing on the route needs to see the bytes (hex dump, capture, TLS either
     * way, toxics). Bytes already read from the client (a PROXY header's tail, a ClientHello read for routing)
     * are written first by the splice path.
     */
    boolean maySplice(Channel client, State current, Upstream upstream) {
        return splice
                && SpliceNative.supports(client)
                && upstream.address() instanceof Endpoint.Inet
                && !current.config().hexdump()
                && capture == null
                && tls == null
                && upstreamTls == null
                && toxics.isEmpty();
    }

    /** A connect template for {@code upstream}, bound to {@code loop} so the upstream shares the client's loop. */
    Bootstrap upstreamBootstrap(Upstream upstream, RouteConfig config, EventLoop loop, long connectTimeoutMillis) {
        // A Unix upstream on a transport without Unix sockets never gets here: the server refuses such a config.
        boolean tcp = !(upstream.address() instanceof Endpoint.Unix);
        Bootstrap connect = (tcp ? tcpTemplate : unixTemplate).clone(loop)
                .resolver(upstream.resolverFrom(resolver))
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeoutMillis);
        if (tcp && KeepAlive.matters(config.timeouts().idle())) {
            connect.option(ChannelOption.SO_KEEPALIVE, true);
        }
        return connect;
    }

    /** Where a connect to {@code upstream} goes: one address object per upstream, shared by its connections. */
    SocketAddress addressOf(Upstream upstream) {
        return upstream.dialAddress(transport);
    }

    /**
     * Lets {@code client} in when the route's ACL and limits allow it, counts it until its socket closes, and returns
     * its connection; otherwise resets it at once, counts and logs why, and returns null.
     */
    RelayConnection admit(Channel client, State current) {
        InetAddress address = ClientAddress.ip(client);
        RouteConfig config = current.config();
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
        return open(client, address);
    }

    private void reject(Channel client, RelayCounter counter, String why) {
        counters.increment(counter);
        rejections.warn("route={} refused client={}: {}", name, Addresses.format(ClientAddress.of(client)), why);
        Channels.reset(client);
    }

    /** A PROXY header that could not be accepted: counted, logged at a bounded pace, and the connection closed. */
    void rejectProxyHeader(Channel client, String why) {
        refuseBeforeRelaying(client, RelayCounter.CONNECTIONS_REJECTED_PROXY, "peer", why);
    }

    /** A client no route on its listen address takes by server name: counted, logged at a bounded pace, closed. */
    void rejectServerName(Channel client, String why) {
        refuseBeforeRelaying(client, RelayCounter.CONNECTIONS_REJECTED_SERVER_NAME, "client", why);
    }

    /** Closed before relaying began; {@code who} names the remote end in the log (a PROXY peer is not the client). */
    private void refuseBeforeRelaying(Channel client, RelayCounter counter, String who, String why) {
        counters.increment(counter);
        rejections.warn("route={} refused {}={}: {}", name, who, Addresses.format(client.remoteAddress()), why);
        client.close();
    }

    private RelayConnection open(Channel client, InetAddress admittedAs) {
        long id = connectionIds.incrementAndGet();
        RelayConnection connection = new RelayConnection(id, name, client, admittedAs, counters, owner);
        registry.add(connection);
        return connection;
    }

    /** The route's side of every connection it opened: one object for all of them. */
    private final class Owner implements ConnectionOwner {

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
}
