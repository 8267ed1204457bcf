package dev.relay.core.proxy;

import dev.relay.core.testing.Family;
import dev.relay.core.testing.Loopback;
import dev.relay.core.testing.PlainServer;
import dev.relay.core.testing.TestRelay;
import dev.relay.core.config.TransportKind;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Both sockets of a relayed TCP connection have Nagle's algorithm off (small writes go at once), on every transport
 * and on the splice path: TCP_NODELAY is the default Netty gives every TCP channel, which this holds it to. Keepalive
 * is on where it can find a vanished peer before relay's idle timeout would close the pair ({@link KeepAlive}): with
 * no idle timeout, not with one shorter than the kernel's keepalive time.
 */
class SocketOptionsTest {

    private static final byte[] PING = "ping".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.relay.core.testing.TestTransports#available")
    void withoutAnIdleTimeoutBothSocketsSendAtOnceAndKeepAlive(TransportKind transport) throws Exception {
        assertBothSockets(transport, Duration.ZERO, true);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.relay.core.testing.TestTransports#available")
    void anIdleTimeoutBelowTheKernelsKeepaliveTimeLeavesKeepaliveOff(TransportKind transport) throws Exception {
        assumeTrue(KeepAlive.kernelSeconds() > 0, "the kernel's keepalive time cannot be read here");
        // No longer than the kernel's time, and long enough not to close the test's connection under it.
        assertBothSockets(transport, Duration.ofSeconds(Math.min(KeepAlive.kernelSeconds(), 60)), false);
    }

    private void assertBothSockets(TransportKind transport, Duration idleTimeout, boolean keepAlive) throws Exception {
        try (PlainServer upstream = PlainServer.start(Family.IPV4.bindAddress(dir),
                 channel -> Loopback.writeFully(channel, Loopback.readExactly(channel, PING.length)));
             TestRelay relay = TestRelay.start(transport, Family.IPV4.relayListen(dir),
                     Loopback.endpoint(upstream.address()), config -> config.idleTimeout(idleTimeout));
             SocketChannel client = Loopback.connect(relay.address())) {

            Loopback.writeFully(client, PING);
            assertArrayEquals(PING, Loopback.readExactly(client, PING.length));

            RelayConnection connection = relay.server().connections().connections().iterator().next();
            Channel clientSide = connection.client();
            Channel upstreamSide = clientSide.eventLoop().submit(connection::upstreamChannel).get(5, TimeUnit.SECONDS);
            for (Channel channel : new Channel[] {clientSide, upstreamSide}) {
                assertEquals(Boolean.TRUE, channel.config().getOption(ChannelOption.TCP_NODELAY), "TCP_NODELAY");
                assertEquals(keepAlive, channel.config().getOption(ChannelOption.SO_KEEPALIVE), "SO_KEEPALIVE");
            }
        }
    }
}
