package dev.relay.core.udp;

import dev.relay.core.config.Toxic;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One direction of one session through its route's toxics. A datagram's toxicity is rolled for each datagram, as
 * loss on a network is: {@code drop} loses it, {@code duplicate} sends it twice, {@code latency} (± jitter) and
 * {@code bandwidth} hold it before it goes, each held datagram on its own timer on the session's event loop, so
 * jitter can reorder datagrams as a network does. What is held is bounded: at most {@value #MAX_HELD} datagrams, and
 * no datagram more than {@value #MAX_HOLD_SECONDS} s of bandwidth backlog; past either, it is dropped and counted,
 * as a router's full queue drops.
 */
final class DatagramToxics {

    static final int MAX_HELD = 256;
    static final long MAX_HOLD_SECONDS = 1;

    private final EventLoop loop;
    private final UdpCounters counters;
    /** The toxics of the listener that hold a datagram now, so that its close can free them ({@link #discard}). */
    private final Set<DatagramToxics> holding;
    /** The datagrams held now, each with its timer. */
    private final Map<ByteBuf, ScheduledFuture<?>> held = new IdentityHashMap<>();
    /** When the bandwidth toxic's link is free again. */
    private long linkFreeNanos;

    DatagramToxics(EventLoop loop, UdpCounters counters, Set<DatagramToxics> holding) {
        this.loop = loop;
        this.counters = counters;
        this.holding = holding;
    }

    /**
     * Passes {@code data} (owned from here) through {@code toxics} (this direction's, on now for this session): to {@code now} at once (written, flushed by the
     * caller's read), to {@code later} once held (written and flushed), or dropped.
     */
    void pass(List<Toxic> toxics, ByteBuf data, Consumer<ByteBuf> now, Consumer<ByteBuf> later) {
        long holdNanos = 0;
        boolean twice = false;
        for (Toxic toxic : toxics) {
            if (!affects(toxic)) {
                continue;
            }
            switch (toxic.type()) {
                case DROP -> {
                    data.release();
                    counters.drop(UdpDrop.TOXIC);
                    return;
                }
                case DUPLICATE -> twice = true;
                case LATENCY -> holdNanos += latencyNanos(toxic);
                case BANDWIDTH -> {
                    long wait = bandwidthNanos(toxic, data.readableBytes());
                    if (wait < 0) {
                        data.release();
                        counters.drop(UdpDrop.TOXIC);
                        return;
                    }
                    holdNanos += wait;
                }
                default -> { } // the set refuses the kinds that are for streams
            }
        }
        if (holdNanos > 0 && held.size() >= MAX_HELD) {
            data.release();
            counters.drop(UdpDrop.TOXIC);
            return;
        }
        if (holdNanos == 0) {
            if (twice) {
                now.accept(data.retainedDuplicate());
            }
            now.accept(data);
            return;
        }
        // A datagram read into a buffer sized for the largest keeps that buffer while held: copy it to its size.
        ByteBuf kept = data.alloc().buffer(data.readableBytes()).writeBytes(data);
        data.release();
        boolean sendTwice = twice;
        ScheduledFuture<?> timer = loop.schedule(() -> {
            if (held.remove(kept) == null) {
                return; // discarded
            }
            if (held.isEmpty()) {
                holding.remove(this);
            }
            if (sendTwice) {
                later.accept(kept.retainedDuplicate());
            }
            later.accept(kept);
        }, holdNanos, TimeUnit.NANOSECONDS);
        if (held.isEmpty()) {
            holding.add(this);
        }
        held.put(kept, timer);
    }

    /** Frees every datagram held: the listener is closing, and its loop may end before their timers. */
    void discard() {
        held.forEach((data, timer) -> {
            timer.cancel(false);
            data.release();
            counters.drop(UdpDrop.TOXIC);
        });
        held.clear();
        holding.remove(this);
    }

    private static boolean affects(Toxic toxic) {
        return toxic.toxicity() >= 1 || ThreadLocalRandom.current().nextDouble() < toxic.toxicity();
    }

    private static long latencyNanos(Toxic toxic) {
        long jitter = toxic.attribute("jitter");
        long millis = toxic.attribute("latency")
                + (jitter == 0 ? 0 : ThreadLocalRandom.current().nextLong(-jitter, jitter + 1));
        return TimeUnit.MILLISECONDS.toNanos(Math.max(0, millis));
    }

    /** How long the datagram waits for the link; -1 when the backlog is past its bound (the queue is full). */
    private long bandwidthNanos(Toxic toxic, int bytes) {
        long rate = toxic.attribute("rate");
        if (rate == 0) {
            return 0; // no limit, as Toxiproxy reads 0
        }
        long now = System.nanoTime();
        long start = Math.max(now, linkFreeNanos);
        if (start - now > TimeUnit.SECONDS.toNanos(MAX_HOLD_SECONDS)) {
            return -1;
        }
        linkFreeNanos = start + bytes * 1_000_000L / rate; // rate is KB/s: 1,000 bytes per second per unit
        return start - now;
    }
}
