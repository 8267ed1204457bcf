package dev.relay.core.udp;

import dev.relay.core.config.TransportKind;
import dev.relay.core.transport.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.epoll.EpollChannelOption;

/**
 * How a UDP socket reads: into buffers one byte larger than the route's {@code max_datagram_size}, so that a larger
 * datagram arrives cut to that size and is dropped as oversize instead of passing truncated. On epoll, when several
 * such slots fit in {@value #BATCH_BYTES} bytes, one recvmmsg(2) reads up to {@value #MAX_BATCH} datagrams into
 * slots of one buffer (Netty's scattering read), instead of a recvmsg(2) each.
 */
final class DatagramReads {

    static final int BATCH_BYTES = 64 * 1024;
    static final int MAX_BATCH = 16;

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
        return transport.kind() == TransportKind.EPOLL ? Math.max(1, Math.min(MAX_BATCH, BATCH_BYTES / slot)) : 1;
    }
}
