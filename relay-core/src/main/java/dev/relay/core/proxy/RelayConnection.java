package dev.relay.core.proxy;

import dev.relay.core.config.Endpoint;
import dev.relay.core.proxyheader.ClientAddress;
import dev.relay.core.base.Direction;

import dev.relay.core.base.Addresses;
import dev.relay.core.base.Failures;
import dev.relay.core.metrics.RelayCounter;
import dev.relay.core.metrics.RelayCounters;
import dev.relay.core.toxic.ToxicSet;
import dev.relay.core.toxic.ToxicTarget;
import dev.relay.core.proxy.splice.SpliceRelay;
import dev.relay.core.proxy.splice.SplicedPair;
import dev.relay.core.upstream.Upstream;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ConnectTimeoutException;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Ticker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;

/**
 * The state of one client and its upstream: what moved, what has finished, and why it ended. Every method runs
 * on the pair's event loop, so nothing here needs a lock. Logs one line when both sockets have closed (and one at
 * debug level when the connection opens).
 *
 * <p>It is also the one listener on both sockets' close futures, and does what their closing asks (the route's
 * count, the idle timer, the upstream's count of connections): one listener per socket, where a listener each
 * would cost a lambda each and a listener array per socket, for every open connection.
 *
 * <p>Each direction's figures and read holds are a {@link DirectionFlow}; toxics reach the connection as a
 * {@link ToxicTarget}; the toxic and splice stages are put in place by {@link ToxicStage} and {@link SpliceHandover}.
 *
 * <p>Over 300 lines, knowingly: this is the one object every open connection keeps besides its two channels, and
 * each of its methods is one event of the pair's life (dialed, connected, a direction paused or finished, a failure,
 * a close). Splitting the close policy into an object of its own would cost every open connection another object
 * and a pointer to it, to save no reader a file: the methods are short and read in the order of a life.
 */
public final class RelayConnection implements ChannelFutureListener, ToxicTarget, SplicedPair {

    private static final Logger log = LoggerFactory.getLogger(RelayConnection.class);

    private final long id;
    private final String route;
    private final Channel client;
    private String upstreamName = "-";
    private final RelayCounters counters;
    private final ConnectionOwner owner;
    /** The client's address as the route admitted it (null for a Unix socket): what the route counts it under. */
    private final InetAddress admittedAs;
    private IdleTimer idleTimer;
    /** The upstream the current connect went to, until its count of connections has been given back. */
    private Upstream dialed;
    // Wall-clock millis, not an Instant: one object less for every open connection (the summary makes the Instant).
    private final long openedAtMillis = System.currentTimeMillis();
    private final long openedAtNanos = System.nanoTime();

    private Channel upstream;
    private boolean upstreamConnected;
    private long connectNanos = -1;
    private final DirectionFlow upstreamFlow = new DirectionFlow(RelayCounter.BYTES_UPSTREAM);
    private final DirectionFlow downstreamFlow = new DirectionFlow(RelayCounter.BYTES_DOWNSTREAM);
    private CloseReason firstFinished;
    private CloseReason reason;
    private String detail = "";
    private boolean finished;
    private final Ticker clock;
    private long lastActivityNanos;
    /** Set once the pair relays with splice(2); every close ends the splicing before the sockets close. */
    private SpliceRelay splice;

    RelayConnection(long id, String route, Channel client, InetAddress admittedAs, RelayCounters counters,
                    ConnectionOwner owner) {
        this.id = id;
        this.route = route;
        this.client = client;
        this.admittedAs = admittedAs;
        this.counters = counters;
        this.owner = owner;
        this.clock = client.eventLoop().ticker();
        this.lastActivityNanos = clock.nanoTime();
        counters.increment(RelayCounter.CONNECTIONS_ACCEPTED);
        counters.increment(RelayCounter.CONNECTIONS_ACTIVE);
        client.closeFuture().addListener(this);
        if (log.isDebugEnabled()) {
            // Guarded: the arguments would be formatted for every connection even with the line switched off.
            log.debug("conn={} open route={} client={} listener={}", id, route,
                    Addresses.format(ClientAddress.of(client)), Addresses.format(client.localAddress()));
        }
    }

    public long id() {
        return id;
    }

    public Channel client() {
        return client;
    }

    public String route() {
        return route;
    }

    /**
     * Bytes written to either socket and not sent yet: what relay holds for this connection right now. Callable
     * from any thread; the outbound buffers keep their totals in volatile fields, so the figure is current.
     */
    public long bufferedNow() {
        return pending(client) + pending(upstream);
    }

    private static long pending(Channel channel) {
        ChannelOutboundBuffer buffer = channel == null ? null : channel.unsafe().outboundBuffer();
        return buffer == null ? 0 : buffer.totalPendingWriteBytes();
    }

    /** The connection's figures so far, taken on its event loop; callable from any thread. */
    public Future<ConnectionSummary> snapshot() {
        return client.eventLoop().submit(this::summary);
    }

    /** The connection's figures so far; only on its event loop ({@code client().eventLoop()}). */
    public ConnectionSummary summaryOnLoop() {
        return summary();
    }

    boolean isClosing() {
        return reason != null;
    }

    /** The pair is relayed by {@code relay} from now on. */
    @Override
    public void spliced(SpliceRelay relay) {
        splice = relay;
        counters.increment(RelayCounter.CONNECTIONS_SPLICED);
    }

    private void stopSplicing() {
        if (splice != null) {
            splice.stop();
        }
    }

    InetAddress admittedAs() {
        return admittedAs;
    }

    @Override
    public InetAddress toxicClient() {
        return admittedAs;
    }

    @Override
    public Endpoint toxicUpstream() {
        return dialed == null ? null : dialed.address();
    }

    /** The client's idle timer, stopped when the client's socket closes. */
    void idleTimer(IdleTimer timer) {
        idleTimer = timer;
    }

    /**
     * A connect to {@code target} started on {@code channel}; a retry replaces the attempt that failed, which gives
     * its upstream's count back then. The current attempt gives it back when its socket closes.
     */
    void upstreamDialed(Channel channel, Upstream target) {
        releaseDialed();
        upstream = channel;
        upstreamName = target.name();
        dialed = target;
        // Last: a socket that is closed already tells its listener at once.
        channel.closeFuture().addListener(this);
    }

    private void releaseDialed() {
        if (dialed != null) {
            dialed.released();
            dialed = null;
        }
    }

    /**
     * Netty's call when one of the two sockets has closed (an earlier connect attempt's socket is only let go); not
     * for other callers.
     */
    @Override
    public void operationComplete(ChannelFuture closed) {
        Channel channel = closed.channel();
        if (channel == client) {
            owner.clientClosed(this);
            if (idleTimer != null) {
                idleTimer.cancel();
            }
            onChannelClosed(Direction.UPSTREAM);
        } else if (channel == upstream) {
            releaseDialed();
            onChannelClosed(Direction.DOWNSTREAM);
        }
    }

    void upstreamConnected() {
        upstreamConnected = true;
        connectNanos = System.nanoTime() - openedAtNanos;
    }

    void connectFailed(Throwable cause) {
        if (isClosing()) {
            return;
        }
        counters.increment(RelayCounter.CONNECTIONS_FAILED);
        reason = cause instanceof ConnectTimeoutException ? CloseReason.CONNECT_TIMEOUT : CloseReason.CONNECT_FAILED;
        detail = Failures.describe(cause);
        // Nothing was read from the client yet, so there is nothing to flush: close at once.
        client.close();
    }

    /**
     * The TLS handshake with the upstream failed: nothing reached it, and the client is reset, having had no
     * answer. Said before the SslHandler closes the socket, which would otherwise read as the upstream closing.
     */
    void upstreamTlsFailed(Throwable cause) {
        if (isClosing()) {
            return;
        }
        reason = CloseReason.UPSTREAM_TLS_FAILED;
        detail = "TLS handshake failed: " + Failures.describeTls(cause);
        stopSplicing();
        if (upstream != null) {
            upstream.close();
        }
        Channels.reset(client);
    }

    /** No upstream was healthy: the client is closed at once, having sent nothing anywhere. */
    void noUpstream() {
        if (isClosing()) {
            return;
        }
        counters.increment(RelayCounter.CONNECTIONS_NO_UPSTREAM);
        reason = CloseReason.NO_UPSTREAM;
        detail = "no healthy upstream";
        client.close();
    }

    private DirectionFlow flow(Direction direction) {
        return direction == Direction.UPSTREAM ? upstreamFlow : downstreamFlow;
    }

    @Override
    public void relayed(Direction direction, int byteCount) {
        lastActivityNanos = clock.nanoTime();
        DirectionFlow flow = flow(direction);
        flow.relayed(byteCount);
        counters.add(flow.bytesCounter(), byteCount);
    }

    /** How long since a byte last moved either way (or since the open, before any did), by the loop's clock. */
    long quietNanos() {
        return clock.nanoTime() - lastActivityNanos;
    }

    @Override
    public void buffered(Direction direction, long pendingBytes) {
        flow(direction).buffered(pendingBytes);
    }

    /** Whether {@code direction}'s source is paused because its destination cannot take more. */
    boolean isPaused(Direction direction) {
        return flow(direction).paused();
    }

    @Override
    public void toxicHolds(Direction direction, boolean holds) {
        flow(direction).toxicHolds(holds);
    }

    /**
     * Whether {@code direction}'s source may read: neither of its two owners holds it, the relay (its destination
     * cannot take more) nor a toxic (its queue is full). Each owner that lets go reads this before it resumes.
     */
    @Override
    public boolean mayRead(Direction direction) {
        return flow(direction).mayRead();
    }

    /** Records that {@code direction}'s source stopped reading; true if it was reading until now. */
    @Override
    public boolean pause(Direction direction) {
        DirectionFlow flow = flow(direction);
        if (flow.paused()) {
            return false;
        }
        flow.paused(true);
        counters.increment(RelayCounter.BACKPRESSURE_PAUSES);
        return true;
    }

    /** Records that {@code direction}'s source may read again; true if it had been paused. */
    @Override
    public boolean resume(Direction direction) {
        DirectionFlow flow = flow(direction);
        if (!flow.paused()) {
            return false;
        }
        flow.paused(false);
        counters.increment(RelayCounter.BACKPRESSURE_RESUMES);
        return true;
    }

    /** {@code direction}'s source sent its FIN. */
    @Override
    public void finishedReading(Direction direction) {
        if (firstFinished == null) {
            firstFinished = CloseReason.finishedFirst(direction);
        }
    }

    /**
     * Whether the direction opposite to {@code direction} has relayed its FIN already. Then {@code direction}'s
     * FIN ends the pair: closing its destination after the pending bytes sends that FIN as a shutdown would, with
     * one system call less.
     */
    @Override
    public boolean otherDirectionDone(Direction direction) {
        return flow(direction.opposite()).finRelayed();
    }

    /** {@code direction}'s FIN reached its destination; once both directions have, the pair is done. */
    @Override
    public void finRelayed(Direction direction) {
        flow(direction).finRelayed(true);
        if (upstreamFlow.finRelayed() && downstreamFlow.finRelayed()) {
            close(firstFinished);
        }
    }

    /** Ends both sides after their pending bytes, unless the connection is already ending. */
    public void close(CloseReason why) {
        close(why, "");
    }

    public void close(CloseReason why, String cause) {
        if (isClosing()) {
            return;
        }
        reason = why;
        detail = cause;
        stopSplicing();
        Channels.closeOnFlush(client);
        if (upstream != null) {
            Channels.closeOnFlush(upstream);
        }
    }

    @Override
    public void closeByToxic(String why) {
        close(CloseReason.ERROR, why);
    }

    @Override
    public void resetByToxic() {
        resetByToxic("reset_peer toxic");
    }

    /** The client is reset, the upstream (if any) closed, for {@code why}: a reset_peer or a reject toxic. */
    void resetByToxic(String why) {
        if (isClosing()) {
            return;
        }
        reason = CloseReason.RESET;
        detail = why;
        stopSplicing();
        Channels.reset(client);
        if (upstream != null) {
            upstream.close();
        }
    }

    /**
     * Puts toxic handlers in front of both relay handlers, once the pair is relaying; a no-op when they are there.
     * Runs on the connection's event loop.
     */
    void installToxics(ToxicSet toxics) {
        if (!upstreamConnected || isClosing()) {
            return;
        }
        ToxicStage.install(client, toxics, Direction.UPSTREAM, this);
        ToxicStage.install(upstream, toxics, Direction.DOWNSTREAM, this);
    }

    /** Whether toxic handlers sit in this connection's pipelines. */
    boolean hasToxics() {
        return ToxicStage.isIn(client);
    }

    /** The upstream side's channel, or null before a connect started. */
    Channel upstreamChannel() {
        return upstream;
    }

    /**
     * {@code direction}'s source failed. An I/O error (the peer reset, a write failed) is relayed as a reset and
     * logged as {@code reset}; anything else (no memory for a buffer, a bug) resets both sides and is logged as
     * {@code error}. Either way the stream was cut short, so neither peer may see it end with a clean FIN.
     */
    @Override
    public void failed(Direction direction, Throwable cause) {
        if (isClosing()) {
            log.debug("conn={} {} error after close: {}", id, direction.sourceSide(), Failures.describe(cause));
            return;
        }
        boolean peerFailed = cause instanceof IOException;
        if (!peerFailed) {
            log.debug("conn={} unexpected error on the {} side", id, direction.sourceSide(), cause);
        }
        reason = peerFailed ? CloseReason.RESET : CloseReason.ERROR;
        detail = direction.sourceSide() + ": " + Failures.describe(cause);
        stopSplicing();
        Channel failedSide = direction == Direction.UPSTREAM ? client : upstream;
        Channel otherSide = direction == Direction.UPSTREAM ? upstream : client;
        if (failedSide != null) {
            if (peerFailed) {
                failedSide.close(); // its peer has reset it already
            } else {
                Channels.reset(failedSide);
            }
        }
        if (otherSide != null) {
            Channels.reset(otherSide);
        }
    }

    private void onChannelClosed(Direction sideOf) {
        if (sideOf == Direction.DOWNSTREAM && !upstreamConnected && !isClosing()) {
            // A connect that failed closes its channel before the connect listener hears of it; that listener
            // tells why (connectFailed), so the reason is not guessed here.
            return;
        }
        if (!isClosing()) {
            // A socket closed without relay asking: end the other side the way that side ended. A socket whose
            // output relay had shut closes at its own FIN (Channels.halfCloseOnFin); then the side that sent the
            // first FIN is why the pair ended.
            close(firstFinished != null ? firstFinished : CloseReason.finishedFirst(sideOf));
        }
        stopSplicing();
        if (splice != null) {
            splice.socketsClosed();
        }
        if (finished || client.isOpen() || (upstream != null && upstream.isOpen())) {
            return;
        }
        finished = true;
        counters.decrement(RelayCounter.CONNECTIONS_ACTIVE);
        ConnectionSummary summary = summary();
        if (log.isInfoEnabled()) {
            log.info("conn={} closed reason={} route={} client={} upstream={} up={}B down={}B duration={}ms{}",
                    id, reason.label(), route, Addresses.format(summary.client()), upstreamName,
                    summary.bytesUpstream(), summary.bytesDownstream(), summary.duration().toMillis(),
                    detail.isEmpty() ? "" : " cause=\"" + detail + "\"");
        }
        owner.finished(this, summary);
    }

    private ConnectionSummary summary() {
        return new ConnectionSummary(id, route, ClientAddress.of(client), upstreamName,
                Instant.ofEpochMilli(openedAtMillis),
                connectNanos < 0 ? null : Duration.ofNanos(connectNanos),
                Duration.ofNanos(System.nanoTime() - openedAtNanos),
                upstreamFlow.bytes(), downstreamFlow.bytes(), upstreamFlow.peakBuffered(),
                downstreamFlow.peakBuffered(),
                reason == null ? CloseReason.OPEN : reason, detail, splice != null);
    }
}
