package dev.relay.core.udp;

import dev.relay.core.base.Addresses;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.socket.DatagramPacket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * One client address's session: its own socket connected to the upstream, so that what comes back on it is this
 * client's, and the counts of what went each way. Lives on its listener's event loop; never touched elsewhere.
 */
final class UdpSession {

    private static final Logger log = LoggerFactory.getLogger(UdpSession.class);
    /** Datagrams held while the upstream socket opens (it opens within the loop's next turn); past this, dropped. */
    static final int PENDING_MAX = 16;

    private final long id;
    /** The client the session is for: the datagrams' sender, or the client their PROXY headers name. */
    private final InetSocketAddress client;
    /** Where replies go: the datagrams' sender. */
    private final InetSocketAddress replyTo;
    private final Channel listener;
    private final UdpSettings settings;
    private final UdpCounters counters;
    private final Runnable onClose;
    private final long openedNanos = System.nanoTime();
    private long lastActiveNanos = openedNanos;
    private Channel upstream;
    private ArrayDeque<ByteBuf> pending = new ArrayDeque<>(2);
    private int requests;
    private int responses;
    private long bytesUp;
    private long bytesDown;
    private boolean closed;

    UdpSession(long id, InetSocketAddress client, InetSocketAddress replyTo, Channel listener, UdpSettings settings,
               UdpCounters counters, Runnable onClose) {
        this.id = id;
        this.client = client;
        this.replyTo = replyTo;
        this.listener = listener;
        this.settings = settings;
        this.counters = counters;
        this.onClose = onClose;
    }

    InetSocketAddress client() {
        return client;
    }

    /** Whether a further datagram from the client belongs here: not closed, and its {@code requests} not used up. */
    boolean takesRequests() {
        return !closed && (settings.requests() == 0 || requests < settings.requests());
    }

    /** The upstream socket being opened for this session; datagrams wait for it (up to {@link #PENDING_MAX}). */
    void upstreamOpening(ChannelFuture opening) {
        upstream = opening.channel();
        opening.addListener(f -> {
            if (!f.isSuccess()) {
                log.debug("udp session {}: cannot open a socket to the upstream: {}", id, f.cause().toString());
                close("no_upstream");
                return;
            }
            ArrayDeque<ByteBuf> waiting = pending;
            pending = null;
            for (ByteBuf data; (data = waiting.poll()) != null; ) {
                send(data);
            }
            upstream.flush();
        });
    }

    /**
     * A datagram from the client; this session owns {@code data} from here. It is written, not flushed: the
     * listener flushes every session it wrote to once its read ends ({@link #flush}), so datagrams read together
     * leave together (sendmmsg on epoll).
     */
    void fromClient(ByteBuf data) {
        requests++;
        lastActiveNanos = System.nanoTime();
        if (pending != null) {
            if (pending.size() < PENDING_MAX) {
                pending.add(data);
            } else {
                data.release();
                counters.drop(UdpDrop.SEND_BUFFER_FULL);
            }
            return;
        }
        send(data);
    }

    private void send(ByteBuf data) {
        if (closed || !upstream.isActive()) {
            data.release();
            counters.drop(UdpDrop.NO_UPSTREAM);
            return;
        }
        if (!upstream.isWritable()) {
            data.release();
            counters.drop(UdpDrop.SEND_BUFFER_FULL);
            return;
        }
        int size = data.readableBytes();
        bytesUp += size;
        counters.up(size);
        if (settings.sendProxy()) {
            data = ProxyV2Datagrams.prepend(upstream.alloc(), client, listenAddress(), data);
        }
        upstream.write(data, upstream.voidPromise());
    }

    /** The address the client sent to, for the PROXY header: the bound one, or the configured one. */
    private InetSocketAddress listenAddress() {
        return listener.localAddress() instanceof InetSocketAddress bound ? bound
                : (InetSocketAddress) settings.listen().toSocketAddress();
    }

    /** A datagram from the upstream, for the client; this session owns {@code data} from here. */
    void fromUpstream(ByteBuf data) {
        if (closed) {
            data.release();
            return;
        }
        int size = data.readableBytes();
        if (size > settings.maxDatagramSize()) {
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
        responses++;
        bytesDown += size;
        counters.down(size);
        // Flushed when the upstream socket's read ends (UdpBackend), with the other replies read with it.
        listener.write(new DatagramPacket(data, replyTo), listener.voidPromise());
        if (settings.responses() > 0 && responses >= settings.responses()) {
            close("responses");
        }
    }

    /** Sends what {@link #fromClient} wrote to the upstream. */
    void flush() {
        if (upstream != null && pending == null) {
            upstream.flush();
        }
    }

    /** Sends the replies written to the client through the listener. */
    void flushReplies() {
        listener.flush();
    }

    /** True when nothing went either way for the idle timeout. */
    boolean idle(long nowNanos) {
        return nowNanos - lastActiveNanos >= settings.idleTimeout().toNanos();
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
        if (upstream != null) {
            upstream.close();
        }
        counters.closed();
        onClose.run();
        if (log.isInfoEnabled()) {
            log.info("udp session={} closed reason={} client={}{} upstream={} datagrams up={} down={} bytes up={}B "
                            + "down={}B duration={}ms", id, reason, Addresses.format(client),
                    replyTo.equals(client) ? "" : " via=" + Addresses.format(replyTo),
                    Addresses.format(settings.upstream().toSocketAddress()), requests, responses, bytesUp, bytesDown,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - openedNanos));
        }
    }
}
