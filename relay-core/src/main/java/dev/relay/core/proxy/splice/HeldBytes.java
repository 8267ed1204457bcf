package dev.relay.core.proxy.splice;

import io.netty.buffer.ByteBuf;
import java.util.ArrayDeque;

/** What a channel read before the pair was spliced: it goes first, then the splicing. */
public interface HeldBytes {

    /** Takes the held bytes out, in order; the caller owns them. */
    ArrayDeque<ByteBuf> takeBytes();

    /** Whether the channel's input ended while held. */
    boolean finished();

    /** Leaves the channel's pipeline; whatever is still held is released. */
    void remove();
}
