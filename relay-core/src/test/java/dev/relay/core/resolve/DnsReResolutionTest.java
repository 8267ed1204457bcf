package dev.relay.core.resolve;

import dev.relay.core.config.AccessLogConfig;
import dev.relay.core.config.AdminConfig;
import dev.relay.core.config.DnsConfig;
import dev.relay.core.config.Endpoint;
import dev.relay.core.config.RouteConfig;
import dev.relay.core.config.ServerConfig;
import dev.relay.core.config.UnixSocketMode;
import dev.relay.core.testing.FakeDnsServer;
import dev.relay.core.testing.Family;
import dev.relay.core.testing.Loopback;
import dev.relay.core.testing.PlainServer;
import dev.relay.core.testing.TestRelay;
import dev.relay.core.config.TransportKind;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** An upstream hostname is looked up again when its TTL runs out, so a name that moves is followed. */
class DnsReResolutionTest {

    /** Tries for a port free on both 127.0.0.1 and ::1, a bounded number of times. */
    private static final int PORT_TRIES = 20;

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.relay.core.testing.TestTransports#available")
    void newConnectionsFollowTheNameToItsNewAddress(TransportKind transport) throws Exception {
        Assumptions.assumeTrue(Family.IPV6.available(), "::1 is not bound on this host");
        InetAddress v4 = InetAddress.getByName("127.0.0.1");
        InetAddress v6 = InetAddress.getByName("::1");
        PlainServer[] servers = serversOnOnePort(v4, v6);
        int port = ((InetSocketAddress) servers[0].address()).getPort();
        try (PlainServer old = servers[0];
             PlainServer moved = servers[1];
             FakeDnsServer dns = new FakeDnsServer(v4, 1)) {
            DnsConfig resolveEverySecond = new DnsConfig(Duration.ZERO, Duration.ofSeconds(1),
                    List.of((Endpoint.Inet) Loopback.endpoint(dns.address())));
            RouteConfig route = RouteConfig.builder("r").listen(Endpoint.parse("127.0.0.1:0"))
                    .upstream(Endpoint.parse("upstream.relay.test:" + port)).build();
            ServerConfig config = new ServerConfig(transport, 2, ServerConfig.DEFAULT_BACKLOG, false, Duration.ofSeconds(2),
                    resolveEverySecond, AdminConfig.OFF, AccessLogConfig.OFF, List.of(route),
                    ServerConfig.DEFAULT_CERTIFICATE_CHECK_INTERVAL, true, UnixSocketMode.FROM_UMASK);
            try (TestRelay relay = TestRelay.start(config)) {
                assertEquals(4, greetingThrough(relay), "first at 127.0.0.1");
                dns.answer(v6);
                await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
                        .until(() -> greetingThrough(relay) == 6);
            }
        }
    }

    private static int greetingThrough(TestRelay relay) throws IOException {
        try (SocketChannel client = Loopback.connect(relay.address())) {
            return Loopback.greeting(client);
        }
    }

    /** Identity servers 4 (on 127.0.0.1) and 6 (on ::1), on the same port number. */
    private static PlainServer[] serversOnOnePort(InetAddress v4, InetAddress v6) throws IOException {
        IOException last = null;
        for (int i = 0; i < PORT_TRIES; i++) {
            PlainServer first = Loopback.identityServer(new InetSocketAddress(v4, 0), 4);
            int port = ((InetSocketAddress) first.address()).getPort();
            try {
                return new PlainServer[] {first, Loopback.identityServer(new InetSocketAddress(v6, port), 6)};
            } catch (IOException taken) {
                last = taken;
                first.close();
            }
        }
        throw last;
    }
}
