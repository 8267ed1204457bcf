package dev.relay.core.proxy.splice;

import dev.relay.core.base.Direction;

/**
 * The connection a {@link SpliceRelay} carries, as far as the splice path touches it: it counts the bytes that
 * moved, follows each direction's pauses and FIN as the ByteBuf path does, and ends the pair on a failure. Called on
 * the pair's event loop only.
 */
public interface SplicedPair {

    /** The pair is spliced by {@code relay} from now on: every close stops it first. */
    void spliced(SpliceRelay relay);

    void relayed(Direction direction, int byteCount);

    void buffered(Direction direction, long pendingBytes);

    /** {@code direction}'s source stopped reading (its pipe is full); true if it was reading until now. */
    boolean pause(Direction direction);

    /** {@code direction}'s source may read again; true if it had been paused. */
    boolean resume(Direction direction);

    /** {@code direction}'s source sent its FIN. */
    void finishedReading(Direction direction);

    /** Whether the other direction relayed its FIN already: then this one's FIN ends the pair. */
    boolean otherDirectionDone(Direction direction);

    /** {@code direction}'s FIN reached its destination. */
    void finRelayed(Direction direction);

    /** {@code direction}'s source failed: the pair ends as the ByteBuf path ends it. */
    void failed(Direction direction, Throwable cause);
}
