package dev.relay.core.udp;

import io.netty.channel.ChannelFuture;

/** Opens a session's socket to the upstream, on the listener's event loop, with {@link UdpBackend} on it. */
interface UpstreamSockets {

    /** The socket being opened and connected for {@code session}. */
    ChannelFuture open(UdpSession session);
}
