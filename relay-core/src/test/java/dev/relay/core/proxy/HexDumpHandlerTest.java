package dev.relay.core.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

/** The hex dump only looks: the same buffers pass both ways, untouched and unreleased. */
class HexDumpHandlerTest {

    @Test
    void buffersPassThroughUnchanged() {
        EmbeddedChannel channel = new EmbeddedChannel(new HexDumpHandler(7));
        ByteBuf in = Unpooled.wrappedBuffer(new byte[] {1, 2, 3});
        channel.writeInbound(in);
        ByteBuf read = channel.readInbound();
        assertSame(in, read);
        assertEquals(1, read.refCnt());
        assertEquals(0, read.readerIndex());

        channel.writeOutbound(read);
        ByteBuf written = channel.readOutbound();
        assertSame(in, written);
        assertEquals(3, written.readableBytes());
        written.release();
        assertFalse(channel.finish());
    }
}
