package dev.relay.core.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.util.UncheckedBooleanSupplier;

/**
 * Keeps a failed read-buffer allocation to the connection that asked for it. io_uring allocates a channel's read
 * buffer inside its I/O handler, outside any pipeline, so an {@link OutOfMemoryError} there (direct memory
 * exhausted) would end the event loop's thread and with it every connection on that loop. Here the failure
 * becomes the channel's own exception, so its connection is reset and counted like any failed connection, and a
 * one-byte buffer outside the pool stands in for the read Netty is scheduling, so its state stays whole until the
 * close cancels that read. On epoll and NIO, where the read loop would catch the error itself, the outcome is the
 * same. Only when even one byte cannot be had does the error go on, and the loop's end brings the relay down
 * (LoopWatch).
 */
final class ReadBufferGuard implements RecvByteBufAllocator {

    private final RecvByteBufAllocator allocator;
    private final Channel channel;

    private ReadBufferGuard(RecvByteBufAllocator allocator, Channel channel) {
        this.allocator = allocator;
        this.channel = channel;
    }

    /** Wraps {@code channel}'s read allocator; call before its first read (in its initializer). */
    static void install(Channel channel) {
        RecvByteBufAllocator current = channel.config().getRecvByteBufAllocator();
        if (!(current instanceof ReadBufferGuard)) {
            channel.config().setRecvByteBufAllocator(new ReadBufferGuard(current, channel));
        }
    }

    @Override
    public Handle newHandle() {
        return new GuardedHandle((ExtendedHandle) allocator.newHandle());
    }

    private final class GuardedHandle extends DelegatingHandle implements ExtendedHandle {

        /** Set at the first failure: the channel is closing, and each try of the pool could cost the loop time. */
        private boolean failed;

        GuardedHandle(ExtendedHandle delegate) {
            super(delegate);
        }

        @Override
        public ByteBuf allocate(ByteBufAllocator alloc) {
            if (!failed) {
                try {
                    return super.allocate(alloc);
                } catch (OutOfMemoryError e) {
                    failed = true;
                    // Later, on the loop, not from inside the transport's read scheduling: the close cancels the read.
                    channel.eventLoop().execute(() ->
                            channel.pipeline().fireExceptionCaught(new ReadBufferUnavailable(e)));
                }
            }
            return Unpooled.directBuffer(1);
        }

        @Override
        public boolean continueReading() {
            return !failed && super.continueReading();
        }

        @Override
        public boolean continueReading(UncheckedBooleanSupplier maybeMoreDataSupplier) {
            // A read loop ends at the failure (epoll's, draining a socket after its peer's FIN, would go on a
            // byte at a time), so the close comes next.
            return !failed && ((ExtendedHandle) delegate()).continueReading(maybeMoreDataSupplier);
        }
    }

    /** No memory for a read buffer: the connection ends with this as its cause. */
    static final class ReadBufferUnavailable extends RuntimeException {
        ReadBufferUnavailable(OutOfMemoryError cause) {
            super("no memory for a read buffer: " + cause.getMessage(), cause, false, false);
        }
    }
}
