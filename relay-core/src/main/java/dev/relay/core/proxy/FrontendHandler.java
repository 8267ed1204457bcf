package dev.relay.core.proxy;

import dev.relay.core.config.Toxic;
import dev.relay.core.config.ToxicType;
import dev.relay.core.proxyheader.ClientAddress;
import dev.relay.core.base.Direction;
import dev.relay.core.base.Failures;
import dev.relay.core.capture.PcapCapture;
import dev.relay.core.config.RouteConfig;
import dev.relay.core.metrics.RelayCounter;
import dev.relay.core.upstream.Upstream;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketChannel;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Sits on an accepted client channel until its upstream is connected: admits the client ({@link Admission}), picks
 * an upstream, dials it ({@link UpstreamDialer}) on the client's own event loop — the next one on failure, up to the route's retries and
 * within its connect budget — then hands the channel to a {@link RelayHandler} and starts reading.
 *
 * <p>The client's reads are off until then. A transport may still deliver what it already read with a FIN
 * (epoll does, on EPOLLRDHUP): those bytes and that FIN are held by a {@link HeldInput} and handed to the relay
 * first, in order. When the route may splice, the pair goes to the splice path instead
 * ({@link SpliceHandover}), which writes what was held first.
 */
final class FrontendHandler extends ChannelInboundHandlerAdapter {

    private final RouteContext route;
    private final RouteContext.State state;
    private final UpstreamDialer dialer;
    /** The upstreams this connection tried; allocated at the first retry, as most connections never retry. */
    private Set<Upstream> tried = Set.of();
    /** How often a client waiting for a descriptor tries its upstream socket again. */
    private static final long DESCRIPTOR_WAIT_MILLIS = 100;

    private int attempts;
    private Throwable lastFailure;
    /** The client's input until the upstream answers (epoll reads what comes with a FIN even while reads are off). */
    private HeldInput held;
    private RelayConnection connection;
    private long connectDeadlineNanos;

    FrontendHandler(RouteContext route, RouteContext.State state, UpstreamDialer dialer) {
        this.route = route;
        this.state = state;
        this.dialer = dialer;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        Channel client = ctx.channel();
        connection = route.admission().admit(client, state.config());
        if (connection == null) {
            return;
        }
        held = new HeldInput(Direction.UPSTREAM, connection);
        ctx.pipeline().addAfter(ctx.name(), PipelineNames.HELD, held);
        PcapCapture capture = route.capture();
        if (capture != null && capture.enabled()) {
            ctx.pipeline().addFirst(PipelineNames.CAPTURE, capture.newHandler());
            client.closeFuture().addListener(f -> capture.flushQuietly());
        }
        RouteConfig config = state.config();
        if (config.hexdump()) {
            ctx.pipeline().addBefore(ctx.name(), PipelineNames.HEXDUMP, new HexDumpHandler(connection.id()));
        }
        if (client instanceof SocketChannel && KeepAlive.matters(config.timeouts().idle())) {
            // Set here, not on the listener: a listener shared by routes (by server name) learns the route only now.
            client.config().setOption(ChannelOption.SO_KEEPALIVE, true);
        }
        long idleNanos = config.timeouts().idle().toNanos();
        if (idleNanos > 0) {
            connection.idleTimer(new IdleTimer(connection, client.eventLoop(), idleNanos));
        }
        long maxMillis = config.timeouts().maxDuration().toMillis();
        if (maxMillis > 0) {
            RelayConnection conn = connection;
            var timer = client.eventLoop().schedule(() -> conn.close(CloseReason.MAX_DURATION), maxMillis,
                    TimeUnit.MILLISECONDS);
            client.closeFuture().addListener(f -> timer.cancel(false));
        }
        if (rejectedByToxic(client)) {
            connection.resetByToxic("reject toxic");
            return;
        }
        connectDeadlineNanos = System.nanoTime() + config.timeouts().connect().toNanos();
        dial(ctx);
        ctx.fireChannelActive();
    }

    /** Whether a reject toxic on now for this client takes the connection (its toxicity the chance). */
    private boolean rejectedByToxic(Channel client) {
        if (route.toxics().isEmpty()) {
            return false;
        }
        for (Direction stream : Direction.values()) {
            for (Toxic toxic : route.toxics().on(stream, connection.toxicClient(), null)) {
                if (toxic.type() == ToxicType.REJECT
                        && ThreadLocalRandom.current().nextDouble() < toxic.toxicity()) {
                    return true;
                }
            }
        }
        return false;
    }

    private void dial(ChannelHandlerContext ctx) {
        Channel client = ctx.channel();
        Upstream upstream = state.pool().choose(ClientAddress.ip(client), tried);
        if (upstream == null) {
            if (lastFailure == null) {
                connection.noUpstream();
            } else {
                // The attempts so far took the last healthy upstreams out: the connect failed, and why is known.
                connection.connectFailed(lastFailure);
            }
            return;
        }
        attempts++;
        long budgetMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(connectDeadlineNanos - System.nanoTime()));
        upstream.dialing();
        boolean splice = dialer.maySplice(client, state, upstream);
        ChannelFuture connect = dialer.dial(client, state, upstream, connection, splice, budgetMillis);
        // The connection gives the upstream's count back when this attempt's socket closes or a retry replaces it.
        connection.upstreamDialed(connect.channel(), upstream);
        connect.addListener(f -> {
            if (connect.isSuccess() && connect.channel().pipeline().get(PipelineNames.PROXY_WRITER) != null) {
                // Netty tells the connect's listeners before the pipeline hears channelActive, where the PROXY header
                // is written: the client's early bytes (and FIN) wait one task so that the header goes first, and
                // the splice hand-over finds it written.
                connect.channel().eventLoop().execute(() -> upstreamConnected(ctx, connect, upstream));
            } else {
                upstreamConnected(ctx, connect, upstream);
            }
        });
    }

    private void upstreamConnected(ChannelHandlerContext ctx, ChannelFuture connect, Upstream upstream) {
        if (!connect.isSuccess() && Failures.isOutOfDescriptors(connect.cause())) {
            waitForADescriptor(ctx, connect.cause());
            return;
        }
        if (!connect.isSuccess()) {
            lastFailure = connect.cause();
            if (tried.isEmpty()) {
                tried = new HashSet<>(4);
            }
            tried.add(upstream);
            upstream.connectFailed(state.config().healthCheck(), connect.cause());
            if (mayRetry(ctx)) {
                route.counters().increment(RelayCounter.CONNECT_RETRIES);
                dial(ctx);
            } else {
                connection.connectFailed(connect.cause());
            }
            return;
        }
        upstream.connectSucceeded();
        if (connection.isClosing() || !ctx.channel().isActive()) {
            // The client left while the upstream was being dialed: the new upstream socket goes too.
            connect.channel().close();
            return;
        }
        connection.upstreamConnected();
        Channel upstreamChannel = connect.channel();
        HeldInput upstreamHeld = upstreamChannel.pipeline().get(PipelineNames.HELD) instanceof HeldInput h ? h : null;
        ctx.pipeline().remove(this);
        if (upstreamHeld != null) {
            // What the client sent meanwhile (a PROXY header's tail, a ClientHello read to route, bytes with a FIN)
            // is written first by the splice path.
            SpliceHandover.begin(connection, ctx.channel(), upstreamChannel, held, upstreamHeld);
            return;
        }
        // The ByteBuf path. Toxics go in before the held bytes move, so those meet the toxics too.
        held.addRelay(new RelayHandler(upstreamChannel, Direction.UPSTREAM, connection));
        if (!route.toxics().isEmpty()) {
            connection.installToxics(route.toxics());
        }
        held.releaseToRelay();
    }

    /**
     * The client took the last descriptor and its upstream socket found none. That is no fault of the upstream (its
     * health is left alone) and no attempt of the route's retries: the client waits, like those still in the accept
     * queue, and the same dial is tried again every {@link #DESCRIPTOR_WAIT_MILLIS} until a descriptor frees or the
     * connect timeout runs out. Its listener pauses as after a failed accept (AcceptFailureHandler), so the clients
     * behind it wait in the kernel's queue instead of being taken one by one.
     */
    private void waitForADescriptor(ChannelHandlerContext ctx, Throwable cause) {
        Channel listener = ctx.channel().parent();
        if (listener != null) {
            listener.pipeline().fireExceptionCaught(cause);
        }
        lastFailure = cause;
        attempts--;
        long leftNanos = connectDeadlineNanos - System.nanoTime();
        if (leftNanos <= TimeUnit.MILLISECONDS.toNanos(DESCRIPTOR_WAIT_MILLIS) || !ctx.channel().isActive()
                || connection.isClosing()) {
            connection.connectFailed(cause);
            return;
        }
        ctx.executor().schedule(() -> {
            if (ctx.channel().isActive() && !connection.isClosing()) {
                dial(ctx);
            }
        }, DESCRIPTOR_WAIT_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Another attempt fits: retries left, connect budget left, and the client still there. */
    private boolean mayRetry(ChannelHandlerContext ctx) {
        return attempts <= state.config().connectRetries()
                && connectDeadlineNanos - System.nanoTime() > 0
                && ctx.channel().isActive()
                && !connection.isClosing();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (connection != null) {
            connection.failed(Direction.UPSTREAM, cause);
        } else {
            ctx.close();
        }
    }
}
