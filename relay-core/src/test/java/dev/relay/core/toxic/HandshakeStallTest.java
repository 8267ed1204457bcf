package dev.relay.core.toxic;

import dev.relay.core.base.Direction;
import dev.relay.core.config.Endpoint;
import dev.relay.core.config.RouteConfig;
import dev.relay.core.config.RouteTimeouts;
import dev.relay.core.config.ServerConfig;
import dev.relay.core.config.TlsConfig;
import dev.relay.core.config.Toxic;
import dev.relay.core.config.ToxicType;
import dev.relay.core.config.TransportKind;
import dev.relay.core.testing.Loopback;
import dev.relay.core.testing.PlainServer;
import dev.relay.core.testing.TestCertificates;
import dev.relay.core.testing.TestRelay;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The handshake_stall toxic on a route that terminates TLS: a handshake held a while, or until it times out. */
class HandshakeStallTest {

    @TempDir
    Path dir;

    private TestRelay relay(TransportKind transport, PlainServer upstream, Path[] certificate, long delayMillis) {
        RouteConfig route = RouteConfig.builder("secure").listen(Endpoint.parse("127.0.0.1:0"))
                .upstream(Loopback.endpoint(upstream.address()))
                .tls(new TlsConfig(List.of(new TlsConfig.Certificate(certificate[0], certificate[1]))))
                .timeouts(new RouteTimeouts(RouteTimeouts.DEFAULT_CONNECT, Duration.ofHours(1), Duration.ZERO,
                        Duration.ofMillis(800)))
                .toxic(new Toxic("stall", ToxicType.HANDSHAKE_STALL, Direction.UPSTREAM, 1.0,
                        Map.of("delay", delayMillis)))
                .build();
        return TestRelay.start(ServerConfig.of(route).with(transport, 2, Duration.ofSeconds(2)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.relay.core.testing.TestTransports#available")
    void aStalledHandshakeFinishesLateOrTimesOut(TransportKind transport) throws Exception {
        Path[] certificate = TestCertificates.make(dir, "stall.relay.test");
        try (PlainServer upstream = Loopback.identityServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 7)) {
            try (TestRelay relay = relay(transport, upstream, certificate, 300);
                 SSLSocket socket = (SSLSocket) TestCertificates.trusting(certificate[0]).getSocketFactory()
                         .createSocket("127.0.0.1", ((InetSocketAddress) relay.address()).getPort())) {
                long started = System.nanoTime();
                socket.startHandshake();
                long tookMillis = (System.nanoTime() - started) / 1_000_000;
                assertTrue(tookMillis >= 300, "held for the delay at least, took " + tookMillis + "ms");
                assertEquals(7, socket.getInputStream().read(), "then relayed as ever");
            }
            try (TestRelay relay = relay(transport, upstream, certificate, 0);
                 SSLSocket socket = (SSLSocket) TestCertificates.trusting(certificate[0]).getSocketFactory()
                         .createSocket("127.0.0.1", ((InetSocketAddress) relay.address()).getPort())) {
                socket.setSoTimeout(10_000);
                assertThrows(IOException.class, socket::startHandshake,
                        "held until the route's handshake timeout closes it");
            }
        }
    }
}
