package dev.relay.core.proxy;

import dev.relay.core.upstream.Upstream;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;

/**
 * How a {@link FrontendHandler} reaches an upstream: the seam between the client's pipeline and the upstream's.
 * The route's {@link SocketDialer} connects real sockets; a test gives the frontend channels of its own.
 */
interface UpstreamDialer {

    /** Whether {@code client}'s pair with {@code upstream} may be relayed with splice(2) instead of ByteBufs. */
    boolean maySplice(Channel client, RouteContext.State state, Upstream upstream);

    /**
     * Starts a connect to {@code upstream} on {@code client}'s event loop, giving up after {@code budgetMillis}. The
     * upstream's pipeline ends in a relay handler for {@code connection}, or, when {@code splice}, in a
     * {@link HeldInput} that keeps what it reads for the splice path; its reads stay off until then.
     */
    ChannelFuture dial(Channel client, RouteContext.State state, Upstream upstream, RelayConnection connection,
                       boolean splice, long budgetMillis);
}
