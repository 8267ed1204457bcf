package dev.relay.core.udp;

import dev.relay.core.config.TransportKind;
import dev.relay.core.transport.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.epoll.EpollChannelOption;

/**
 * How a UDP socket reads: into slots one byte larger than the route's {@code max_datagram_size}, so that a larger
 * datagram arrives cut to that size and is dropped as oversize instead of passing truncated. On epoll one
 * recvmmsg(2) reads up to {@value #BATCH} datagrams into the slots of one buffer (Netty's scattering read) instead of
 * a recvmsg(2) each: 55,000 datagrams/s became 100,000 on the 64-byte echo test (docs/performance.md). The buffer
 * (1 MiB at the default 64 KiB slot) lives for one read: its datagrams are sent, and it freed, when the read ends;
 * a datagram that must wait longer is copied out to its own size ({@link UdpSession}, {@link DatagramToxics}).
 */
final class DatagramReads {

    static final int BATCH = 16;

    private DatagramReads() {
    }

    /** Sets {@code bootstrap}'s read options for datagrams of up to {@code maxDatagramSize} bytes. */
    static Bootstrap apply(Bootstrap bootstrap, Transport transport, int maxDatagramSize) {
        int slot = maxDatagramSize + 1;
        int batch = batch(transport, slot);
        if (batch > 1) {
            bootstrap.option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, slot);
        }
        return bootstrap.option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(batch * slot));
    }

    /** The same on a socket already open: a reload changed its route's {@code max_datagram_size}. */
    static void apply(Channel channel, Transport transport, int maxDatagramSize) {
        int slot = maxDatagramSize + 1;
        int batch = batch(transport, slot);
        channel.config().setOption(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(batch * slot));
        if (transport.kind() == TransportKind.EPOLL) {
            channel.config().setOption(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, batch > 1 ? slot : 0);
        }
    }

    private static int batch(Transport transport, int slot) {
        return transport.kind() == TransportKind.EPOLL ? BATCH : 1;
    }
}
