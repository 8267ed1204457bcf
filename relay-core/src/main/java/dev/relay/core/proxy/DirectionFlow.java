package dev.relay.core.proxy;

import dev.relay.core.metrics.RelayCounter;

/**
 * One direction of a {@link RelayConnection}: the bytes it moved, the most it buffered, who holds its source's reads,
 * and whether its FIN got through. A connection has two, one each way. Touched on the pair's event loop only.
 */
final class DirectionFlow {

    private final RelayCounter bytesCounter;
    private long bytes;
    private long peakBuffered;
    /** The relay holds the source's reads: the destination cannot take more (first owner of autoRead). */
    private boolean paused;
    /** A toxic holds the source's reads: its queue is full (second owner of autoRead). */
    private boolean toxicHolds;
    private boolean finRelayed;

    DirectionFlow(RelayCounter bytesCounter) {
        this.bytesCounter = bytesCounter;
    }

    RelayCounter bytesCounter() {
        return bytesCounter;
    }

    void relayed(int byteCount) {
        bytes += byteCount;
    }

    long bytes() {
        return bytes;
    }

    void buffered(long pendingBytes) {
        peakBuffered = Math.max(peakBuffered, pendingBytes);
    }

    long peakBuffered() {
        return peakBuffered;
    }

    boolean paused() {
        return paused;
    }

    void paused(boolean value) {
        paused = value;
    }

    void toxicHolds(boolean holds) {
        toxicHolds = holds;
    }

    /** Neither owner holds the source's reads. */
    boolean mayRead() {
        return !paused && !toxicHolds;
    }

    boolean finRelayed() {
        return finRelayed;
    }

    void finRelayed(boolean value) {
        finRelayed = value;
    }
}
