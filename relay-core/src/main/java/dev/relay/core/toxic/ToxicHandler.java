package dev.relay.core.toxic;

import dev.relay.core.config.Toxic;
import dev.relay.core.config.ToxicType;

import dev.relay.core.base.Direction;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Applies a route's toxics to one direction of one connection: a pipeline stage that sits before the relay's own
 * handler on the direction's source channel. Chunks that a toxic delays wait in a queue, in order, and go on when
 * due; the FIN waits behind them. Once the queue holds {@value #HIGH_WATER} bytes the source stops reading (auto-read off)
 * until it is down to half, so a slow toxic bounds memory as a slow reader does. Everything runs on the
 * connection's event loop; every buffer is released or handed on, and timers end with the handler.
 */
public final class ToxicHandler extends ChannelInboundHandlerAdapter {

    public static final int HIGH_WATER = 64 * 1024;
    private static final int LOW_WATER = 32 * 1024;

    private final ToxicSet toxics;
    private final Direction direction;
    private final ToxicTarget connection;
    /** Each toxic's roll of its toxicity for this connection, by name, kept while the toxic lasts. */
    private final Map<String, Boolean> affected = new HashMap<>();
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> delivery;
    private ScheduledFuture<?> timeoutClose;
    private ScheduledFuture<?> reset;
    private long pendingBytes;
    private long lastDueNanos;
    private long bandwidthFreeNanos;
    private long bytesThrough;
    private boolean readHeld;
    private boolean limitReached;

    /** A chunk, the FIN, or the close that ends a limit_data toxic, with when it may go on. */
    private record Pending(Object item, long dueNanos) { }

    private static final Object CLOSE = new Object();

    public ToxicHandler(ToxicSet toxics, Direction direction, ToxicTarget connection) {
        this.toxics = toxics;
        this.direction = direction;
        this.connection = connection;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /** The toxics on now for this connection: in scope, in schedule, and its roll of their toxicity won. */
    private List<Toxic> active() {
        if (toxics.isEmpty()) {
            return List.of();
        }
        List<Toxic> on = toxics.on(direction, connection.toxicClient(), connection.toxicUpstream());
        on.removeIf(t -> !affected.computeIfAbsent(t.name(),
                name -> ThreadLocalRandom.current().nextDouble() < t.toxicity()));
        return on;
    }

    private static Toxic find(List<Toxic> active, ToxicType type) {
        for (Toxic toxic : active) {
            if (toxic.type() == type) {
                return toxic;
            }
        }
        return null;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        List<Toxic> active = active();
        if (!(msg instanceof ByteBuf buf) || (active.isEmpty() && queue.isEmpty())) {
            ctx.fireChannelRead(msg);
            return;
        }
        armTimers(active);
        if (find(active, ToxicType.TIMEOUT) != null || limitReached) {
            buf.release(); // a timeout passes nothing on; past a limit nothing more goes
            return;
        }
        Toxic limit = find(active, ToxicType.LIMIT_DATA);
        if (limit != null && bytesThrough + buf.readableBytes() >= limit.attribute("bytes")) {
            int allowed = (int) Math.max(0, limit.attribute("bytes") - bytesThrough);
            ByteBuf kept = buf.readRetainedSlice(allowed);
            buf.release();
            buf = kept;
            limitReached = true;
        }
        bytesThrough += buf.readableBytes();
        enqueueChunks(buf, active);
        if (limitReached) {
            queue.add(new Pending(CLOSE, lastDueNanos));
        }
        if (pendingBytes >= HIGH_WATER && !readHeld) {
            // The queue is full enough: the source stops reading, as it would for a slow reader.
            readHeld = true;
            connection.toxicHolds(direction, true);
            ctx.channel().config().setAutoRead(false);
        }
        scheduleDelivery();
    }

    /** Splits for a slicer, and gives each piece the time latency and bandwidth allow it to go on. */
    private void enqueueChunks(ByteBuf buf, List<Toxic> active) {
        Toxic slicer = find(active, ToxicType.SLICER);
        Toxic latency = find(active, ToxicType.LATENCY);
        Toxic bandwidth = find(active, ToxicType.BANDWIDTH);
        long now = System.nanoTime();
        long delay = 0;
        if (latency != null) {
            long jitter = latency.attribute("jitter");
            long millis = latency.attribute("latency")
                    + (jitter == 0 ? 0 : ThreadLocalRandom.current().nextLong(-jitter, jitter + 1));
            delay = TimeUnit.MILLISECONDS.toNanos(Math.max(0, millis));
        }
        long due = Math.max(now + delay, lastDueNanos);
        while (buf.isReadable()) {
            ByteBuf piece;
            if (slicer != null && buf.readableBytes() > 1) {
                long average = Math.max(1, slicer.attribute("average_size"));
                long variation = slicer.attribute("size_variation");
                long size = average + (variation == 0 ? 0 : ThreadLocalRandom.current().nextLong(-variation, variation + 1));
                piece = buf.readRetainedSlice((int) Math.max(1, Math.min(size, buf.readableBytes())));
                due += TimeUnit.MICROSECONDS.toNanos(slicer.attribute("delay"));
            } else {
                piece = buf.readRetainedSlice(buf.readableBytes());
            }
            if (bandwidth != null && bandwidth.attribute("rate") > 0) {
                long start = Math.max(due, bandwidthFreeNanos);
                bandwidthFreeNanos = start + piece.readableBytes() * 1_000_000L / bandwidth.attribute("rate");
                due = bandwidthFreeNanos;
            }
            queue.add(new Pending(piece, due));
            pendingBytes += piece.readableBytes();
            lastDueNanos = due;
        }
        buf.release();
    }

    private void armTimers(List<Toxic> active) {
        Toxic timeout = find(active, ToxicType.TIMEOUT);
        if (timeout != null && timeoutClose == null && timeout.attribute("timeout") > 0) {
            timeoutClose = ctx.executor().schedule(() -> connection.closeByToxic("timeout toxic"),
                    timeout.attribute("timeout"), TimeUnit.MILLISECONDS);
        }
        Toxic resetPeer = find(active, ToxicType.RESET_PEER);
        if (resetPeer != null && reset == null) {
            reset = ctx.executor().schedule(() -> connection.resetByToxic(),
                    resetPeer.attribute("timeout"), TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (!(evt instanceof ChannelInputShutdownEvent)) {
            ctx.fireUserEventTriggered(evt);
            return;
        }
        List<Toxic> active = active();
        armTimers(active);
        Toxic slowClose = find(active, ToxicType.SLOW_CLOSE);
        if (queue.isEmpty() && slowClose == null) {
            ctx.fireUserEventTriggered(evt);
            return;
        }
        long delay = slowClose == null ? 0 : TimeUnit.MILLISECONDS.toNanos(slowClose.attribute("delay"));
        lastDueNanos = Math.max(System.nanoTime(), lastDueNanos) + delay;
        queue.add(new Pending(evt, lastDueNanos));
        scheduleDelivery();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (queue.isEmpty()) {
            ctx.fireChannelReadComplete();
        }
        // Otherwise the delivery fires it after the chunks it sends on.
    }

    private void scheduleDelivery() {
        if (delivery != null || queue.isEmpty()) {
            return;
        }
        long wait = queue.peek().dueNanos() - System.nanoTime();
        delivery = ctx.executor().schedule(this::deliver, Math.max(0, wait), TimeUnit.NANOSECONDS);
    }

    private void deliver() {
        delivery = null;
        long now = System.nanoTime();
        boolean sent = false;
        while (!queue.isEmpty() && queue.peek().dueNanos() - now <= 0) {
            Object item = queue.poll().item();
            if (item instanceof ByteBuf piece) {
                pendingBytes -= piece.readableBytes();
                ctx.fireChannelRead(piece);
                sent = true;
            } else if (item == CLOSE) {
                connection.closeByToxic("limit_data toxic");
            } else {
                if (sent) {
                    ctx.fireChannelReadComplete();
                    sent = false;
                }
                ctx.fireUserEventTriggered(item);
            }
        }
        if (sent) {
            ctx.fireChannelReadComplete();
        }
        if (readHeld && pendingBytes < LOW_WATER) {
            readHeld = false;
            connection.toxicHolds(direction, false);
            if (connection.mayRead(direction)) {
                // Unless the relay itself is waiting for the destination to drain, the source reads again.
                ctx.channel().config().setAutoRead(true);
            }
        }
        scheduleDelivery();
    }

    /** Bytes waiting in the queue now; on the connection's event loop. */
    public long pendingBytes() {
        return pendingBytes;
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (readHeld) {
            readHeld = false;
            connection.toxicHolds(direction, false); // the hold goes with the toxic
        }
        cancel(delivery);
        cancel(timeoutClose);
        cancel(reset);
        for (Pending pending; (pending = queue.poll()) != null; ) {
            ReferenceCountUtil.release(pending.item());
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        handlerRemoved(ctx);
        ctx.fireChannelInactive();
    }

    private static void cancel(ScheduledFuture<?> timer) {
        if (timer != null) {
            timer.cancel(false);
        }
    }
}
