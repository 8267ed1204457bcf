package dev.relay.core.proxy;

import dev.relay.core.base.Direction;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs every chunk that crosses the client's channel as a hex dump: reads are client-to-upstream, writes are
 * upstream-to-client. For debugging only; it costs a log line per chunk.
 */
final class HexDumpHandler extends ChannelDuplexHandler {

    private static final Logger log = LoggerFactory.getLogger("dev.relay.hexdump");

    private final long connectionId;

    HexDumpHandler(long connectionId) {
        this.connectionId = connectionId;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        dump(Direction.UPSTREAM, msg);
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        dump(Direction.DOWNSTREAM, msg);
        ctx.write(msg, promise);
    }

    private void dump(Direction direction, Object msg) {
        if (msg instanceof ByteBuf buf && buf.isReadable() && log.isInfoEnabled()) {
            log.info("conn={} {} {} bytes\n{}", connectionId, direction, buf.readableBytes(), ByteBufUtil.prettyHexDump(buf));
        }
    }
}
