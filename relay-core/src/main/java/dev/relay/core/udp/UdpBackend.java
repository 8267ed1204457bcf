package dev.relay.core.udp;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;

/**
 * On a session's upstream socket: every datagram that comes back goes to the session's client. An upstream that
 * answers with ICMP "port unreachable" ends the session; the client's next datagram opens a new one.
 */
final class UdpBackend extends ChannelInboundHandlerAdapter {

    private final UdpSession session;

    UdpBackend(UdpSession session) {
        this.session = session;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof DatagramPacket packet) {
            session.fromUpstream(packet.content());
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        session.flushReplies();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        session.close("upstream_closed");
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        session.upstreamFailed(cause);
    }
}
