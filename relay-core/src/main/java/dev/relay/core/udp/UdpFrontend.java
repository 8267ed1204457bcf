package dev.relay.core.udp;

import dev.relay.core.base.Addresses;
import dev.relay.core.base.RateLimitedLog;
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

/**
 * On the listening UDP socket: finds each datagram's session by its sender's address, opening one for a new
 * sender (up to {@code max_sessions}), and hands the datagram to it. Sessions found idle by a sweep are closed;
 * the sweep runs a few times per idle timeout, at most once per second. All on the listener's event loop.
 */
final class UdpFrontend extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(UdpFrontend.class);
    private static final RateLimitedLog listenerErrors = new RateLimitedLog(log, 10_000);

    private final UdpSettings settings;
    private final UdpCounters counters;
    private final UpstreamSockets sockets;
    /** The session each client's next datagram goes to. */
    private final Map<SessionKey, UdpSession> byClient = new HashMap<>();
    /** Every open session, those that take no more datagrams (their {@code requests} used up) included. */
    private final Set<UdpSession> open = new LinkedHashSet<>();
    /** The sessions written to during the current read, flushed when it ends. */
    private final List<UdpSession> written = new ArrayList<>();
    private ScheduledFuture<?> sweep;
    private long nextId;

    UdpFrontend(UdpSettings settings, UdpCounters counters, UpstreamSockets sockets) {
        this.settings = settings;
        this.counters = counters;
        this.sockets = sockets;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        long periodNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(10),
                Math.min(TimeUnit.SECONDS.toNanos(1), settings.idleTimeout().toNanos() / 4));
        sweep = ctx.executor().scheduleAtFixedRate(this::closeIdle, periodNanos, periodNanos, TimeUnit.NANOSECONDS);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof DatagramPacket packet)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (packet.content().readableBytes() > settings.maxDatagramSize()) {
            packet.release();
            counters.drop(UdpDrop.OVERSIZE);
            return;
        }
        InetSocketAddress sender = packet.sender();
        InetSocketAddress client = sender;
        if (settings.acceptProxy()) {
            client = ProxyV2Datagrams.readSource(packet.content(), sender);
            if (client == null) {
                packet.release();
                counters.drop(UdpDrop.BAD_PROXY_HEADER);
                return;
            }
        }
        SessionKey key = new SessionKey(sender, client);
        UdpSession session = byClient.get(key);
        if (session == null || !session.takesRequests()) {
            session = open(ctx, key);
            if (session == null) {
                packet.release();
                counters.drop(UdpDrop.LIMIT);
                return;
            }
        }
        session.fromClient(packet.content());
        if (written.isEmpty() || written.get(written.size() - 1) != session) {
            written.add(session);
        }
        if (!session.takesRequests()) {
            // Its requests are used up: it stays open for its replies, and the client's next datagram starts anew.
            byClient.remove(key, session);
        }
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

    private UdpSession open(ChannelHandlerContext ctx, SessionKey key) {
        if (open.size() >= settings.maxSessions()) {
            return null;
        }
        UdpSession[] made = new UdpSession[1];
        UdpSession session = new UdpSession(++nextId, key.client(), key.sender(), ctx.channel(), settings, counters,
                () -> {
                    open.remove(made[0]);
                    byClient.remove(key, made[0]);
                });
        made[0] = session;
        open.add(session);
        byClient.put(key, session);
        counters.opened();
        session.upstreamOpening(sockets.open(session));
        return session;
    }

    /** Closes the sessions that saw no datagram either way for the idle timeout. */
    void closeIdle() {
        long now = System.nanoTime();
        List<UdpSession> idle = new ArrayList<>();
        for (UdpSession session : open) {
            if (session.idle(now)) {
                idle.add(session);
            }
        }
        idle.forEach(session -> session.close("idle"));
    }

    int openSessions() {
        return open.size();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (sweep != null) {
            sweep.cancel(false);
        }
        new ArrayList<>(open).forEach(session -> session.close("stopped"));
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // A send to one client that failed, or a read error: the listener serves every other client, so it stays.
        listenerErrors.warn("udp listener {}: {}", Addresses.format(ctx.channel().localAddress()), cause.toString());
    }
}
