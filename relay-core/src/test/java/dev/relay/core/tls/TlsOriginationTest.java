package dev.relay.core.tls;

import dev.relay.core.config.Endpoint;
import dev.relay.core.config.ProxyProtocolConfig;
import dev.relay.core.config.RouteConfig;
import dev.relay.core.config.SendProxy;
import dev.relay.core.config.TlsConfig;
import dev.relay.core.config.UpstreamTlsConfig;
import dev.relay.core.proxy.ConnectionSummary;
import dev.relay.core.testing.Loopback;
import dev.relay.core.testing.PlainServer;
import dev.relay.core.testing.TestCertificates;
import dev.relay.core.testing.TestRelay;
import dev.relay.core.config.TransportKind;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * TLS to upstreams, against relay's own TLS termination: a plain client, a route that originates TLS, a route
 * that terminates it, an identity server. Verification by CA file and name, refusal of a wrong name or an
 * untrusted certificate, the explicit insecure option, and a PROXY header sent ahead of TLS.
 */
class TlsOriginationTest {


    @TempDir
    Path dir;

    private Path[] certificate(String name) throws Exception {
        return TestCertificates.make(dir, name);
    }

    /** Relay with a terminating route (on a free port, found first) and an originating route in front of it. */
    private TestRelay chain(TransportKind transport, PlainServer upstream, Path[] cert, UpstreamTlsConfig originate,
                            boolean proxyProtocol) throws IOException {
        Endpoint terminateAt = Loopback.freeEndpoint(); // a free port, bound by the route below
        RouteConfig terminate = RouteConfig.builder("terminate").listen(terminateAt)
                .upstream(Loopback.endpoint(upstream.address()))
                .tls(new TlsConfig(List.of(new TlsConfig.Certificate(cert[0], cert[1]))))
                .proxyProtocol(proxyProtocol ? new ProxyProtocolConfig(true, List.of(), Duration.ofSeconds(3))
                        : ProxyProtocolConfig.OFF)
                .build();
        RouteConfig front = RouteConfig.builder("originate").listen(Endpoint.parse("127.0.0.1:0"))
                .upstream(terminateAt).upstreamTls(originate).connectRetries(0)
                .sendProxy(proxyProtocol ? SendProxy.V2 : SendProxy.NONE)
                .build();
        return TestRelay.start(transport, terminate, front);
    }

    /** The originating route's failed connection says why, in the JDK's words, not "General OpenSslEngine problem". */
    private static void assertOriginateFailedWith(TestRelay relay, String reason) {
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() ->
                relay.closed().stream().anyMatch(c -> c.route().equals("originate")));
        dev.relay.core.proxy.ConnectionSummary originate = relay.closed().stream()
                .filter(c -> c.route().equals("originate")).findFirst().orElseThrow();
        assertEquals(dev.relay.core.proxy.CloseReason.UPSTREAM_TLS_FAILED, originate.reason(), originate.toString());
        assertTrue(originate.detail().startsWith("TLS handshake failed: ") && originate.detail().contains(reason)
                && !originate.detail().contains("OpenSslEngine"), originate.detail());
    }

    private static int greeting(TestRelay relay) throws IOException {
        try (SocketChannel client = Loopback.connect(relay.address("originate"))) {
            return Loopback.greeting(client);
        } catch (IOException reset) {
            return -1;
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.relay.core.testing.TestTransports#available")
    void aVerifiedUpstreamGetsTheBytesAWrongNameOrAnUnknownCaDoesNot(TransportKind transport) throws Exception {
        Path[] cert = certificate("b.relay.test");
        try (PlainServer upstream = Loopback.identityServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 7)) {
            try (TestRelay relay = chain(transport, upstream, cert,
                    new UpstreamTlsConfig(true, cert[0], "b.relay.test", null, null, false), false)) {
                assertEquals(7, greeting(relay), "verified by CA file and name");
            }
            try (TestRelay relay = chain(transport, upstream, cert,
                    new UpstreamTlsConfig(true, cert[0], "c.relay.test", null, null, false), false)) {
                assertEquals(-1, greeting(relay), "the name does not match the certificate");
                assertOriginateFailedWith(relay, "c.relay.test");
            }
            try (TestRelay relay = chain(transport, upstream, cert,
                    new UpstreamTlsConfig(true, null, "b.relay.test", null, null, false), false)) {
                assertEquals(-1, greeting(relay), "a self-signed certificate is not in the JDK's trust store");
                assertOriginateFailedWith(relay, "certification path");
            }
            try (TestRelay relay = chain(transport, upstream, cert,
                    new UpstreamTlsConfig(true, null, "c.relay.test", null, null, true), false)) {
                assertEquals(7, greeting(relay), "insecure_skip_verify accepts anything, as it says");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.relay.core.testing.TestTransports#available")
    void aProxyHeaderGoesAheadOfTls(TransportKind transport) throws Exception {
        Path[] cert = certificate("b.relay.test");
        try (PlainServer upstream = Loopback.identityServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 7);
             TestRelay relay = chain(transport, upstream, cert,
                     new UpstreamTlsConfig(true, cert[0], "b.relay.test", null, null, false), true);
             SocketChannel client = Loopback.connect(relay.address("originate"))) {
            int clientPort = ((InetSocketAddress) client.getLocalAddress()).getPort();
            assertEquals(7, Loopback.greeting(client));
            client.close();
            await().atMost(Duration.ofSeconds(10)).until(() -> relay.closed().stream()
                    .filter(c -> c.route().equals("terminate"))
                    .map(ConnectionSummary::client)
                    .anyMatch(a -> ((InetSocketAddress) a).getPort() == clientPort));
        }
    }
}
