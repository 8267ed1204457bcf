package dev.relay.core.proxy;

import dev.relay.core.testing.Family;
import dev.relay.core.testing.Loopback;
import dev.relay.core.testing.PlainServer;
import dev.relay.core.testing.TestRelay;
import dev.relay.core.transport.TransportKind;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Both sockets of a relayed TCP connection have Nagle's algorithm off (small writes go at once) and keepalive on
 * (a peer that vanished is found out). relay asks only for keepalive: TCP_NODELAY is the default Netty gives
 * every TCP channel, which this holds it to, on every transport and on the splice path.
 */
class SocketOptionsTest {

    private static final byte[] PING = "ping".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.relay.core.testing.TestTransports#available")
    void bothSocketsSendAtOnceAndKeepAlive(TransportKind transport) throws Exception {
        try (PlainServer upstream = PlainServer.start(Family.IPV4.bindAddress(dir),
                 channel -> Loopback.writeFully(channel, Loopback.readExactly(channel, PING.length)));
             TestRelay relay = TestRelay.start(transport, Family.IPV4.relayListen(dir),
                     Loopback.endpoint(upstream.address()));
             SocketChannel client = Loopback.connect(relay.address())) {

            Loopback.writeFully(client, PING);
            assertArrayEquals(PING, Loopback.readExactly(client, PING.length));

            RelayConnection connection = relay.server().connections().connections().iterator().next();
            Channel clientSide = connection.client();
            Channel upstreamSide = clientSide.eventLoop().submit(connection::upstreamChannel).get(5, TimeUnit.SECONDS);
            for (Channel channel : new Channel[] {clientSide, upstreamSide}) {
                assertEquals(Boolean.TRUE, channel.config().getOption(ChannelOption.TCP_NODELAY), "TCP_NODELAY");
                assertEquals(Boolean.TRUE, channel.config().getOption(ChannelOption.SO_KEEPALIVE), "SO_KEEPALIVE");
            }
        }
    }
}
