package dev.relay.core.tools;

import dev.relay.core.base.Addresses;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;

/** One echo-server connection: log, then echo (with the same backpressure as the relay) or reply once. */
final class EchoHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger("dev.relay.echo");
    private static final int PREVIEW_BYTES = 64;

    private final long id;
    private final String reply;
    private long received;
    private boolean replied;

    EchoHandler(long id, String reply) {
        this.id = id;
        this.reply = reply;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        log.info("echo conn={} from {}", id, Addresses.format(ctx.channel().remoteAddress()));
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf buf)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        // The first chunk tells what the client speaks; the rest only at debug, or a bulk test floods the log.
        if (received == 0 && log.isInfoEnabled()) {
            log.info("echo conn={} received {} bytes: {}", id, buf.readableBytes(), preview(buf));
        } else if (log.isDebugEnabled()) {
            log.debug("echo conn={} received {} bytes: {}", id, buf.readableBytes(), preview(buf));
        }
        received += buf.readableBytes();
        if (reply == null) {
            ctx.write(buf);
            if (!ctx.channel().isWritable()) {
                ctx.channel().config().setAutoRead(false);
            }
            return;
        }
        buf.release();
        if (!replied) {
            replied = true;
            ctx.write(Unpooled.copiedBuffer(reply, StandardCharsets.UTF_8));
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            ctx.channel().config().setAutoRead(true);
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent && ctx.channel() instanceof DuplexChannel duplex) {
            // The client is done sending: finish our answer, then say we are done too.
            ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> duplex.shutdownOutput()
                    .addListener(ChannelFutureListener.CLOSE));
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        log.info("echo conn={} closed after {} bytes", id, received);
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.info("echo conn={} failed: {}", id, cause.getMessage());
        ctx.close();
    }

    /** The first bytes as text when they look like text, else as hex: enough to see what came. */
    private static String preview(ByteBuf buf) {
        int length = Math.min(buf.readableBytes(), PREVIEW_BYTES);
        boolean printable = true;
        for (int i = 0; i < length && printable; i++) {
            byte b = buf.getByte(buf.readerIndex() + i);
            printable = b >= 0x20 && b < 0x7f || b == '\n' || b == '\r' || b == '\t';
        }
        String shown = printable
                ? "\"" + buf.toString(buf.readerIndex(), length, StandardCharsets.US_ASCII)
                        .replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t") + "\""
                : io.netty.buffer.ByteBufUtil.hexDump(buf, buf.readerIndex(), length);
        return buf.readableBytes() > length ? shown + "..." : shown;
    }
}
