package dev.relay.core.udp;

import dev.relay.core.upstream.Upstream;
import io.netty.channel.ChannelFuture;

/** Opens a session's socket to its upstream, on the listener's event loop, with {@link UdpBackend} on it. */
interface UpstreamSockets {

    /** The socket being opened and connected for {@code session} to {@code upstream}. */
    ChannelFuture open(UdpSession session, Upstream upstream);
}
