package dev.relay.core.proxy;

import dev.relay.core.proxy.splice.SpliceRelay;
import dev.relay.core.base.Direction;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;

/**
 * Moves a freshly connected pair from its channels to a {@link SpliceRelay}. Called once the upstream is active
 * (after its PROXY header was written, which {@link FrontendHandler} waits for). It gives up, back to the ByteBuf
 * path, if either channel still has bytes to write, and otherwise deregisters both; Netty does that in a later loop
 * task, and what the channels read meanwhile is held and goes first.
 */
final class SpliceHandover {

    private SpliceHandover() {
    }

    static void begin(RelayConnection connection, Channel client, Channel upstream,
                      HeldInput clientHeld, HeldInput upstreamHeld) {
        if (Channels.pendingWriteBytes(client) > 0 || Channels.pendingWriteBytes(upstream) > 0) {
            clientHeld.relayInstead(new RelayHandler(upstream, Direction.UPSTREAM, connection));
            upstreamHeld.relayInstead(new RelayHandler(client, Direction.DOWNSTREAM, connection));
            return;
        }
        ChannelFuture clientOff = client.deregister();
        ChannelFuture upstreamOff = upstream.deregister();
        Runnable whenBothOff = () -> {
            if (!clientOff.isDone() || !upstreamOff.isDone()) {
                return;
            }
            if (connection.isClosing() || !client.isOpen() || !upstream.isOpen()
                    || !clientOff.isSuccess() || !upstreamOff.isSuccess()) {
                // A close came meanwhile, or a channel would not leave epoll: the held bytes go now (a channel
                // closed while deregistered never tears its pipeline down), and the pair ends.
                clientHeld.remove();
                upstreamHeld.remove();
                Throwable cause = clientOff.isSuccess() ? upstreamOff.cause() : clientOff.cause();
                if (cause != null) {
                    connection.failed(Direction.UPSTREAM, cause);
                } else if (!connection.isClosing()) {
                    connection.close(CloseReason.ERROR, "a socket closed during the splice hand-over");
                }
                return;
            }
            SpliceRelay.start(connection, client, upstream, clientHeld, upstreamHeld);
        };
        clientOff.addListener(f -> whenBothOff.run());
        upstreamOff.addListener(f -> whenBothOff.run());
    }
}
