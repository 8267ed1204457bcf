package dev.relay.core.udp;

import dev.relay.core.config.SendProxy;
import dev.relay.core.base.Addresses;
import dev.relay.core.base.Direction;
import dev.relay.core.config.Toxic;
import dev.relay.core.config.RouteConfig;
import dev.relay.core.upstream.Upstream;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.socket.DatagramPacket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Set;

/**
 * One client address's session: its own socket connected to the upstream the route's balancer chose, so that
 * what comes back on it is this client's, and the counts of what went each way. Lives on its listener's event
 * loop; never touched elsewhere. It keeps the route settings it opened with: a reload applies to new sessions.
 */
final class UdpSession {

    private static final Logger log = LoggerFactory.getLogger(UdpSession.class);
    /** Datagrams held while the upstream socket opens (it opens within the loop's next turn); past this, dropped. */
    static final int PENDING_MAX = 16;

    private final long id;
    private final UdpRoute route;
    private final RouteConfig config;
    private final Upstream upstream;
    /** The client the session is for: the datagrams' sender, or the client their PROXY headers name. */
    private final InetSocketAddress client;
    /** Where replies go: the datagrams' sender. */
    private final InetSocketAddress replyTo;
    private final Channel listener;
    private final UdpCounters counters;
    private final Runnable onClose;
    private final Set<DatagramToxics> holding;
    private final Instant openedAt = Instant.now();
    private final long openedNanos = System.nanoTime();
    private long lastActiveNanos = openedNanos;
    private Channel socket;
    private ArrayDeque<ByteBuf> pending = new ArrayDeque<>(2);
    private int requests;
    private int responses;
    private long bytesUp;
    private long bytesDown;
    private boolean closed;
    /** Made when the route first has toxics for this session: most sessions never need them. */
    private DatagramToxics upToxics;
    private DatagramToxics downToxics;

    UdpSession(long id, UdpRoute route, RouteConfig config, Upstream upstream, InetSocketAddress client,
               InetSocketAddress replyTo, Channel listener, Set<DatagramToxics> holding, Runnable onClose) {
        this.holding = holding;
        this.id = id;
        this.route = route;
        this.config = config;
        this.upstream = upstream;
        this.client = client;
        this.replyTo = replyTo;
        this.listener = listener;
        this.counters = route.counters();
        this.onClose = onClose;
        upstream.dialing();
    }

    /** The largest datagram this session relays: its socket reads one byte more, to tell a larger one. */
    int maxDatagramSize() {
        return config.udp().maxDatagramSize();
    }

    /** Whether a further datagram from the client belongs here: not closed, and its {@code requests} not used up. */
    boolean takesRequests() {
        int most = config.udp().requests();
        return !closed && (most == 0 || requests < most);
    }

    /** The upstream socket being opened for this session; datagrams wait for it (up to {@link #PENDING_MAX}). */
    void upstreamOpening(ChannelFuture opening) {
        socket = opening.channel();
        opening.addListener(f -> {
            if (!f.isSuccess()) {
                log.debug("udp session={} route={}: cannot open a socket to {}: {}", id, route.name(), upstream,
                        f.cause().toString());
                upstream.connectFailed(config.healthCheck(), f.cause());
                close("no_upstream");
                return;
            }
            ArrayDeque<ByteBuf> waiting = pending;
            pending = null;
            for (ByteBuf data; (data = waiting.poll()) != null; ) {
                toUpstream(data);
            }
            socket.flush();
        });
    }

    /**
     * A datagram from the client; this session owns {@code data} from here. It is written, not flushed: the
     * listener flushes every session it wrote to once its read ends ({@link #flush}), so datagrams read together
     * leave together.
     */
    void fromClient(ByteBuf data) {
        requests++;
        lastActiveNanos = System.nanoTime();
        if (pending != null) {
            if (pending.size() < PENDING_MAX) {
                // Copied to its size: the read's buffer holds 16 slots, and must not live while this one waits.
                pending.add(data.alloc().buffer(data.readableBytes()).writeBytes(data));
                data.release();
            } else {
                data.release();
                counters.drop(UdpDrop.SEND_BUFFER_FULL);
            }
            return;
        }
        toUpstream(data);
    }

    private void toUpstream(ByteBuf data) {
        if (route.toxics().isEmpty()) {
            send(data);
            return;
        }
        List<Toxic> toxics = route.toxics().on(Direction.UPSTREAM, client.getAddress(), upstream.address());
        if (upToxics == null) {
            upToxics = new DatagramToxics(listener.eventLoop(), counters, holding);
        }
        upToxics.pass(toxics, data, this::send, held -> {
            send(held);
            if (socket.isActive()) {
                socket.flush();
            }
        });
    }

    private void send(ByteBuf data) {
        if (closed || !socket.isActive()) {
            data.release();
            counters.drop(UdpDrop.NO_UPSTREAM);
            return;
        }
        if (!socket.isWritable()) {
            data.release();
            counters.drop(UdpDrop.SEND_BUFFER_FULL);
            return;
        }
        int size = data.readableBytes();
        bytesUp += size;
        counters.up(size);
        if (config.sendProxy() != SendProxy.NONE) {
            data = ProxyV2Datagrams.prepend(socket.alloc(), client, listenAddress(), data);
        }
        socket.write(data, socket.voidPromise());
    }

    /** The address the client sent to, for the PROXY header: the bound one, else the route's first. */
    private InetSocketAddress listenAddress() {
        return listener.localAddress() instanceof InetSocketAddress bound ? bound
                : (InetSocketAddress) config.listen().get(0).toSocketAddress();
    }

    /** A datagram from the upstream, for the client; this session owns {@code data} from here. */
    void fromUpstream(ByteBuf data) {
        if (closed) {
            data.release();
            return;
        }
        int size = data.readableBytes();
        if (size > config.udp().maxDatagramSize()) {
            data.release();
            counters.drop(UdpDrop.OVERSIZE);
            return;
        }
        lastActiveNanos = System.nanoTime();
        if (!listener.isWritable()) {
            data.release();
            counters.drop(UdpDrop.SEND_BUFFER_FULL);
            return;
        }
        if (responses == 0) {
            upstream.connectSucceeded();
        }
        responses++;
        if (route.toxics().isEmpty()) {
            reply(data);
        } else {
            List<Toxic> toxics = route.toxics().on(Direction.DOWNSTREAM, client.getAddress(), upstream.address());
            if (downToxics == null) {
                downToxics = new DatagramToxics(listener.eventLoop(), counters, holding);
            }
            downToxics.pass(toxics, data, this::reply, held -> {
                reply(held);
                listener.flush();
            });
        }
        int most = config.udp().responses();
        if (most > 0 && responses >= most) {
            close("responses");
        }
    }

    /**
     * Writes a reply to the client through the listener, flushed when the upstream socket's read ends (UdpBackend)
     * with the other replies read with it. A reply held by a toxic may come after the session ended: it still goes.
     */
    private void reply(ByteBuf data) {
        if (!listener.isActive()) {
            data.release();
            counters.drop(UdpDrop.NO_UPSTREAM);
            return;
        }
        int size = data.readableBytes();
        bytesDown += size;
        counters.down(size);
        listener.write(new DatagramPacket(data, replyTo), listener.voidPromise());
    }

    /** The upstream socket failed: ICMP "port unreachable" counts against the upstream, as a refused connect does. */
    void upstreamFailed(Throwable cause) {
        if (cause instanceof PortUnreachableException) {
            upstream.connectFailed(config.healthCheck(), cause);
            close("upstream_unreachable");
        } else {
            close("error");
        }
    }

    /** Sends what {@link #fromClient} wrote to the upstream. */
    void flush() {
        if (socket != null && pending == null) {
            socket.flush();
        }
    }

    /** Sends the replies written to the client through the listener. */
    void flushReplies() {
        listener.flush();
    }

    /**
     * Why the session should end now, or null: nothing either way for the idle timeout, or its maximum age; while
     * its listener drains, nothing either way for {@code drainQuietNanos}, as its exchange is then over.
     */
    String expired(long nowNanos, boolean draining, long drainQuietNanos) {
        long quiet = nowNanos - lastActiveNanos;
        if (quiet >= config.timeouts().idle().toNanos()) {
            return "idle";
        }
        if (draining && quiet >= drainQuietNanos) {
            return "drained";
        }
        Duration most = config.timeouts().maxDuration();
        return !most.isZero() && nowNanos - openedNanos >= most.toNanos() ? "max_duration" : null;
    }

    /** Ends the session: its upstream socket closes, what waited for it is dropped, one line is logged. */
    void close(String reason) {
        if (closed) {
            return;
        }
        closed = true;
        if (pending != null) {
            for (ByteBuf data; (data = pending.poll()) != null; ) {
                data.release();
                counters.drop(UdpDrop.NO_UPSTREAM);
            }
        }
        // A reply written in the read that ends the session (its last response) leaves before the socket goes.
        listener.flush();
        if (socket != null) {
            socket.close();
        }
        upstream.released();
        route.release(client.getAddress());
        counters.closed();
        onClose.run();
        Duration lasted = Duration.ofNanos(System.nanoTime() - openedNanos);
        InetSocketAddress via = replyTo.equals(client) ? null : replyTo;
        if (log.isInfoEnabled()) {
            log.info("udp session={} route={} closed reason={} client={}{} upstream={} datagrams up={} down={} "
                            + "bytes up={}B down={}B duration={}ms", id, route.name(), reason, Addresses.format(client),
                    via == null ? "" : " via=" + Addresses.format(via), upstream, requests, responses, bytesUp,
                    bytesDown, lasted.toMillis());
        }
        route.closed(new UdpSessionSummary(id, route.name(), openedAt, client, via, upstream.name(), requests,
                responses, bytesUp, bytesDown, lasted, reason));
    }
}
