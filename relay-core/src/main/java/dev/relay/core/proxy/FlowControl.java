package dev.relay.core.proxy;

import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;

/**
 * The numbers that bound a connection's memory; {@code docs/flow-control.md} explains the scheme.
 *
 * <p>A side stops reading as soon as the other side's outbound buffer passes {@link #HIGH_WATER_MARK} and starts
 * again when it falls under {@link #LOW_WATER_MARK}. The write that crosses the mark is at most one read,
 * at most {@link #MAX_READ_BYTES}, so relay holds at most {@link #MAX_BUFFERED_PER_DIRECTION} bytes for each
 * direction of a connection.
 */
public final class FlowControl {
    // Reads of up to 128 KiB relayed bulk traffic on less CPU than 64 KiB reads (fewer reads and writes for the same
    // bytes); marks at 16/32 KiB keep the bound at 160 KiB per direction and did as well (docs/performance.md).
    public static final int LOW_WATER_MARK = 16 * 1024;
    public static final int HIGH_WATER_MARK = 32 * 1024;
    public static final int MIN_READ_BYTES = 2 * 1024;
    public static final int INITIAL_READ_BYTES = 16 * 1024;
    public static final int MAX_READ_BYTES = 128 * 1024;
    public static final int MAX_BUFFERED_PER_DIRECTION = HIGH_WATER_MARK + MAX_READ_BYTES;

    private FlowControl() {
    }

    public static WriteBufferWaterMark waterMark() {
        return new WriteBufferWaterMark(LOW_WATER_MARK, HIGH_WATER_MARK);
    }

    /** Read buffers that grow with the traffic but never past {@link #MAX_READ_BYTES}. */
    public static RecvByteBufAllocator readAllocator() {
        return new AdaptiveRecvByteBufAllocator(MIN_READ_BYTES, INITIAL_READ_BYTES, MAX_READ_BYTES);
    }
}
