package dev.relay.core.proxy.splice;

import dev.relay.core.base.Direction;
import io.netty.buffer.ByteBuf;
import io.netty.channel.unix.FileDescriptor;

import java.io.IOException;
import java.util.ArrayDeque;

/**
 * One direction of a spliced connection: bytes go from the source socket into a pipe and from the pipe into the
 * target socket. The pipe is the direction's whole buffer: at most {@link #PIPE_LIMIT} bytes are spliced into it
 * ahead of the target (a pipe's 16 slots can hold far more when the kernel's socket buffers are large pages), so
 * a slow target stops the source once that much waits.
 *
 * <p>splice(2) answers 0 both when nothing can move and at the end of the stream. This flow decides "end" only
 * when the pipe was empty (so it had room), epoll said the peer hung up, and still nothing came.
 */
final class SpliceFlow {

    /** The most bytes waiting in one direction's pipe, the splice path's per-direction memory bound. */
    static final int PIPE_LIMIT = 64 * 1024;

    /**
     * The held bytes of a flow that has none, shared so that a spliced connection keeps no queue of its own. Safe
     * to share because a flow only ever peeks, polls and iterates its held bytes, which leave an empty queue as is.
     */
    static final ArrayDeque<ByteBuf> NOTHING_HELD = new ArrayDeque<>(0);

    private final Direction direction;
    private final SpliceSocket source;
    private final SpliceSocket target;
    private final ArrayDeque<ByteBuf> held;
    private final SplicedPair connection;
    /** [read end, write end], lent by {@link SplicePipes} while bytes wait in it; null when empty. */
    private FileDescriptor[] pipe;
    private int inPipe;
    /** The last fill found the pipe full (or the socket empty: splice cannot say which); set until a drain frees room. */
    private boolean stalled;
    /** The target took less than was there: wait for it to be writable. */
    private boolean blocked;
    /** The last fill moved less than it asked for: the source had no more just then. */
    private boolean sourceEmptied;
    private boolean ended;
    private boolean finSent;

    SpliceFlow(Direction direction, SpliceSocket source, SpliceSocket target, ArrayDeque<ByteBuf> held,
               boolean endedWhileHeld, SplicedPair connection) {
        this.direction = direction;
        this.source = source;
        this.target = target;
        this.held = held;
        this.connection = connection;
        this.blocked = !held.isEmpty();
        if (endedWhileHeld) {
            ended = true;
            connection.finishedReading(direction);
        }
    }

    Direction direction() {
        return direction;
    }

    boolean wantsRead() {
        return !ended && !stalled;
    }

    boolean wantsWrite() {
        return blocked;
    }

    /**
     * Whether the last fill took less than it asked for, so that asking again at once would most likely find
     * nothing (a system call for EAGAIN); level-triggered epoll reports whatever arrives later.
     */
    boolean sourceEmptied() {
        return sourceEmptied;
    }

    boolean done() {
        return finSent;
    }

    /**
     * Splices what the source has into the pipe; returns the bytes moved. {@code peerHungUp}: epoll reported the
     * peer's FIN (or a hang-up) with this wake-up, so nothing moving into an empty pipe means the stream ended.
     */
    int fill(boolean peerHungUp) throws IOException {
        if (!wantsRead()) {
            return 0;
        }
        if (pipe == null) {
            pipe = SplicePipes.take();
        }
        boolean pipeWasEmpty = inPipe == 0;
        int room = PIPE_LIMIT - inPipe;
        int moved = room > 0 ? SpliceNative.splice(source.socket(), pipe[1], room) : 0;
        sourceEmptied = moved < room;
        if (moved > 0) {
            inPipe += moved;
            connection.relayed(direction, moved);
            connection.buffered(direction, buffered());
        } else if (pipeWasEmpty && held.isEmpty()) {
            if (peerHungUp) {
                ended = true;
                connection.finishedReading(direction);
            }
        } else if (!stalled) {
            stalled = true;
            connection.pause(direction);
        }
        return moved;
    }

    /**
     * Writes the held bytes, then the pipe, to the target; after the end of the stream, once all is out, relays
     * the FIN. Returns the bytes moved.
     */
    int drain() throws IOException {
        int moved = 0;
        for (ByteBuf buf; (buf = held.peek()) != null; ) {
            int written = target.socket().writeAddress(buf.memoryAddress(), buf.readerIndex(), buf.writerIndex());
            buf.skipBytes(written);
            moved += written;
            connection.relayed(direction, written); // held bytes are counted as they go, spliced ones as they come
            if (buf.isReadable()) {
                break;
            }
            held.poll().release();
        }
        if (held.isEmpty() && inPipe > 0) {
            int spliced = SpliceNative.splice(pipe[0], target.socket(), inPipe);
            inPipe -= spliced;
            moved += spliced;
        }
        if (inPipe == 0 && pipe != null) {
            SplicePipes.giveBack(pipe);
            pipe = null;
        }
        blocked = inPipe > 0 || !held.isEmpty();
        if (moved > 0 && stalled) {
            stalled = false;
            connection.resume(direction);
        }
        if (ended && !blocked && !finSent) {
            finSent = true;
            if (!connection.otherDirectionDone(direction)) {
                target.socket().shutdown(false, true);
            } // else the pair's close, which finRelayed starts, sends this FIN
            connection.finRelayed(direction);
        }
        return moved;
    }

    long buffered() {
        long total = inPipe;
        for (ByteBuf buf : held) {
            total += buf.readableBytes();
        }
        return total;
    }

    /** Gives the pipe back (or closes it, if bytes are left in it) and lets go of held bytes; moves nothing after. */
    void release() {
        ended = true;
        blocked = false;
        for (ByteBuf buf; (buf = held.poll()) != null; ) {
            buf.release();
        }
        if (pipe != null) {
            if (inPipe == 0) {
                SplicePipes.giveBack(pipe);
            } else {
                SplicePipes.close(pipe);
            }
            pipe = null;
            inPipe = 0;
        }
    }
}
