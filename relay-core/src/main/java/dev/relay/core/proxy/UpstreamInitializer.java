package dev.relay.core.proxy;

import dev.relay.core.proxyheader.ClientAddress;
import dev.relay.core.proxyheader.OutgoingProxyHeader;
import dev.relay.core.proxyheader.OutgoingProxyHeaderWriter;

import dev.relay.core.base.Direction;
import dev.relay.core.config.SendProxy;
import dev.relay.core.tls.ClientTls;
import dev.relay.core.upstream.Upstream;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.haproxy.HAProxyMessageEncoder;

/**
 * The upstream side's pipeline, in wire order: the PROXY header (when the route sends one), TLS (when it originates
 * it), then the stage that relays to the client, or holds what arrives until the splice path takes the pair.
 */
final class UpstreamInitializer extends ChannelInitializer<Channel> {

    private final Channel client;
    private final SendProxy sendProxy;
    private final ClientTls tls;
    private final Upstream upstream;
    private final RelayConnection connection;
    private final boolean splice;

    UpstreamInitializer(Channel client, SendProxy sendProxy, ClientTls tls, Upstream upstream,
                        RelayConnection connection, boolean splice) {
        this.client = client;
        this.sendProxy = sendProxy;
        this.tls = tls;
        this.upstream = upstream;
        this.connection = connection;
        this.splice = splice;
    }

    @Override
    protected void initChannel(Channel channel) {
        ReadBufferGuard.install(channel);
        if (sendProxy != SendProxy.NONE) {
            channel.pipeline().addLast(PipelineNames.PROXY_ENCODER, HAProxyMessageEncoder.INSTANCE)
                    .addLast(PipelineNames.PROXY_WRITER, new OutgoingProxyHeaderWriter(OutgoingProxyHeader.of(
                            sendProxy, ClientAddress.of(client), ClientAddress.destinationOf(client))));
        }
        if (tls != null) {
            channel.pipeline().addLast(PipelineNames.UPSTREAM_TLS, tls.newHandler(channel.alloc(), upstream.address()));
        }
        if (splice) {
            channel.pipeline().addLast(PipelineNames.HELD, new HeldInput(Direction.DOWNSTREAM, connection));
        } else {
            channel.pipeline().addLast(PipelineNames.RELAY, new RelayHandler(client, Direction.DOWNSTREAM, connection));
        }
    }
}
