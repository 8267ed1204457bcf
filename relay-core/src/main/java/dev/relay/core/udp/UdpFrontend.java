package dev.relay.core.udp;

import dev.relay.core.base.Addresses;
import dev.relay.core.base.RateLimitedLog;
import dev.relay.core.config.RouteConfig;
import dev.relay.core.upstream.Upstream;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * On a listening UDP socket: finds each datagram's session by its sender's address, opening one for a new sender
 * (past the ACL, the limits and the balancer), and hands the datagram to it. A sweep closes the sessions that
 * expired (idle, or past their maximum age) a few times per idle timeout, at most once per second, and ends a
 * drain. All on the listener's event loop.
 */
final class UdpFrontend extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(UdpFrontend.class);
    private static final RateLimitedLog listenerErrors = new RateLimitedLog(log, 10_000);
    private static final long MAX_SWEEP_NANOS = TimeUnit.SECONDS.toNanos(1);
    /**
     * While draining, a session quiet this long is done: UDP has no close to wait for, and a datagram protocol's
     * exchange (a query and its answer) takes far less. Busy sessions (a call, a game) go on to the drain timeout.
     */
    static final long DRAIN_QUIET_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** The route new sessions open for: a reload may give the listen address to another route. */
    private volatile UdpRoute route;
    private final UpstreamSockets sockets;
    private final AtomicLong sessionIds;
    /** The session each client's next datagram goes to. */
    private final Map<SessionKey, UdpSession> byClient = new HashMap<>();
    /** Every open session, those that take no more datagrams (their {@code requests} used up) included. */
    private final Set<UdpSession> open = new LinkedHashSet<>();
    /** The toxics of this listener's sessions (closed ones too) holding datagrams now. */
    private final Set<DatagramToxics> holding = new LinkedHashSet<>();
    /** The sessions written to during the current read, flushed when it ends. */
    private final List<UdpSession> written = new ArrayList<>();
    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> sweep;
    /** Set when draining: no new session opens, and the listener closes once its sessions end or at this time. */
    private volatile long drainDeadlineNanos;
    private volatile boolean draining;

    UdpFrontend(UdpRoute route, UpstreamSockets sockets, AtomicLong sessionIds) {
        this.route = route;
        this.sockets = sockets;
        this.sessionIds = sessionIds;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        long idle = route.state().config().timeouts().idle().toNanos();
        long period = Math.max(TimeUnit.MILLISECONDS.toNanos(10), Math.min(MAX_SWEEP_NANOS, idle / 4));
        sweep = ctx.executor().scheduleAtFixedRate(this::sweep, period, period, TimeUnit.NANOSECONDS);
        ctx.fireChannelActive();
    }

    /** New sessions open for {@code next} from now on; open ones stay with the route they opened for. */
    void route(UdpRoute next) {
        route = next;
    }

    UdpRoute route() {
        return route;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof DatagramPacket packet)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        UdpRoute target = route;
        RouteConfig config = target.state().config();
        UdpDrop dropped = relay(ctx, packet, target, config);
        if (dropped != null) {
            packet.release();
            target.counters().drop(dropped);
        }
    }

    /** Hands {@code packet}'s content to its session; or says why it is dropped, leaving the packet to the caller. */
    private UdpDrop relay(ChannelHandlerContext ctx, DatagramPacket packet, UdpRoute target, RouteConfig config) {
        if (packet.content().readableBytes() > config.udp().maxDatagramSize()) {
            return UdpDrop.OVERSIZE;
        }
        InetSocketAddress sender = packet.sender();
        InetSocketAddress client = sender;
        if (config.proxyProtocol().accept()) {
            if (!config.proxyProtocol().trusts(sender.getAddress())) {
                return UdpDrop.ACL;
            }
            client = ProxyV2Datagrams.readSource(packet.content(), sender);
            if (client == null) {
                return UdpDrop.BAD_PROXY_HEADER;
            }
        }
        SessionKey key = new SessionKey(sender, client);
        UdpSession session = byClient.get(key);
        if (session == null || !session.takesRequests()) {
            if (draining) {
                return UdpDrop.DRAINING;
            }
            if (!config.acl().allows(client.getAddress())) {
                return UdpDrop.ACL;
            }
            Upstream upstream = target.state().pool().choose(client.getAddress(), Set.of());
            if (upstream == null) {
                return UdpDrop.NO_UPSTREAM;
            }
            if (!target.admit(client.getAddress(), config)) {
                return UdpDrop.LIMIT;
            }
            session = open(ctx, key, target, config, upstream);
        }
        session.fromClient(packet.content());
        if (written.isEmpty() || written.get(written.size() - 1) != session) {
            written.add(session);
        }
        if (!session.takesRequests()) {
            // Its requests are used up: it stays open for its replies, and the client's next datagram starts anew.
            byClient.remove(key, session);
        }
        return null;
    }

    /** A session is one client's, reached through one sender (itself, or the proxy in front that names it). */
    private record SessionKey(InetSocketAddress sender, InetSocketAddress client) {
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        // A session written twice in one read is flushed twice: harmless, the second finds nothing to send.
        for (UdpSession session : written) {
            session.flush();
        }
        written.clear();
        ctx.fireChannelReadComplete();
    }

    private UdpSession open(ChannelHandlerContext ctx, SessionKey key, UdpRoute target, RouteConfig config,
                            Upstream upstream) {
        UdpSession[] made = new UdpSession[1];
        UdpSession session = new UdpSession(sessionIds.incrementAndGet(), target, config, upstream, key.client(),
                key.sender(), ctx.channel(), holding, () -> {
                    open.remove(made[0]);
                    byClient.remove(key, made[0]);
                });
        made[0] = session;
        open.add(session);
        byClient.put(key, session);
        target.counters().opened();
        session.upstreamOpening(sockets.open(session, upstream));
        return session;
    }

    /** Closes the sessions that expired; while draining, closes the listener once none is left or time is up. */
    void sweep() {
        long now = System.nanoTime();
        Map<UdpSession, String> expired = new HashMap<>();
        for (UdpSession session : open) {
            String reason = session.expired(now, draining, DRAIN_QUIET_NANOS);
            if (reason != null) {
                expired.put(session, reason);
            }
        }
        expired.forEach(UdpSession::close);
        if (draining && (open.isEmpty() || now - drainDeadlineNanos >= 0)) {
            ctx.channel().close();
        }
    }

    /**
     * Opens no new session from now on; the listener closes when its sessions have ended, or {@code withinNanos}
     * from now with the ones still open. Any thread.
     */
    void drain(long withinNanos) {
        drainDeadlineNanos = System.nanoTime() + withinNanos;
        draining = true;
        ctx.executor().execute(this::sweep);
    }

    /** Sessions open on this listener now; on its event loop. */
    int openSessions() {
        return open.size();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (sweep != null) {
            sweep.cancel(false);
        }
        new ArrayList<>(open).forEach(session -> session.close("stopped"));
        new ArrayList<>(holding).forEach(DatagramToxics::discard);
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // A send to one client that failed, or a read error: the listener serves every other client, so it stays.
        listenerErrors.warn("udp listener {}: {}", Addresses.format(ctx.channel().localAddress()), cause.toString());
    }
}
