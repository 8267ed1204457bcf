package dev.relay.core.tls;

import dev.relay.core.config.Endpoint;
import dev.relay.core.config.RouteConfig;
import dev.relay.core.config.RouteTimeouts;
import dev.relay.core.config.ServerNames;
import dev.relay.core.config.TlsConfig;
import dev.relay.core.metrics.RelayCounter;
import dev.relay.core.testing.ClientHellos;
import dev.relay.core.testing.Loopback;
import dev.relay.core.testing.PlainServer;
import dev.relay.core.testing.TestCertificates;
import dev.relay.core.testing.TestRelay;
import dev.relay.core.config.TransportKind;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Routes sharing one listen address by the server name in the ClientHello, over real loopback sockets on every
 * transport: exact names, wildcards, the default route, the ClientHello relayed untouched (even in pieces), what no
 * route takes closed, and a route that also terminates TLS after it was chosen.
 */
class ServerNameRoutingTest {

    @TempDir
    Path dir;

    private static PlainServer upstream(int id) throws IOException {
        return Loopback.identityServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), id);
    }

    private static RouteConfig.Builder route(String name, Endpoint listen, PlainServer upstream, String... names) {
        return RouteConfig.builder(name).listen(listen).upstream(Loopback.endpoint(upstream.address()))
                .serverNames(ServerNames.of(names));
    }

    /** Sends {@code hello} in pieces of {@code piece} bytes; returns the upstream's id and checks the echo. */
    private static int connectWith(TestRelay relay, byte[] hello, int piece) throws IOException {
        try (SocketChannel client = Loopback.connect(relay.address())) {
            for (int at = 0; at < hello.length; at += piece) {
                Loopback.writeFully(client, Arrays.copyOfRange(hello, at, Math.min(hello.length, at + piece)));
            }
            int id = Loopback.greeting(client);
            if (id >= 0) {
                assertArrayEquals(hello, Loopback.readExactly(client, hello.length), "relayed untouched");
            }
            return id;
        } catch (IOException closed) {
            return -1;
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.relay.core.testing.TestTransports#available")
    void eachNameReachesItsRouteUntouchedAndTheRestTheDefault(TransportKind transport) throws Exception {
        Endpoint shared = Loopback.freeEndpoint();
        try (PlainServer api = upstream(1); PlainServer apps = upstream(2); PlainServer fallback = upstream(3);
             TestRelay relay = TestRelay.start(transport,
                     route("api", shared, api, "api.relay.test").build(),
                     route("apps", shared, apps, "*.apps.relay.test").build(),
                     route("fallback", shared, fallback).build())) {
            Map<String, Integer> expected = Map.of("api.relay.test", 1, "API.Relay.Test", 1,
                    "one.apps.relay.test", 2, "deep.one.apps.relay.test", 2, "other.relay.test", 3);
            for (var entry : expected.entrySet()) {
                assertEquals(entry.getValue(), connectWith(relay, ClientHellos.forName(entry.getKey()), 4096),
                        entry.getKey());
            }
            assertEquals(3, connectWith(relay, ClientHellos.forName(null), 4096), "no server name: the default");
            assertEquals(1, connectWith(relay, ClientHellos.forName("api.relay.test"), 7), "a ClientHello in pieces");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.relay.core.testing.TestTransports#available")
    void withoutADefaultWhatNoRouteTakesIsClosedAndCounted(TransportKind transport) throws Exception {
        Endpoint shared = Loopback.freeEndpoint();
        RouteTimeouts quickHandshake = new RouteTimeouts(Duration.ofSeconds(5), Duration.ZERO, Duration.ZERO,
                Duration.ofMillis(300));
        try (PlainServer api = upstream(1); PlainServer apps = upstream(2);
             TestRelay relay = TestRelay.start(transport,
                     route("api", shared, api, "api.relay.test").timeouts(quickHandshake).build(),
                     route("apps", shared, apps, "*.apps.relay.test").build())) {
            assertEquals(-1, connectWith(relay, ClientHellos.forName("other.relay.test"), 4096));
            assertEquals(-1, connectWith(relay, ClientHellos.forName(null), 4096));
            assertEquals(-1, connectWith(relay, "GET / HTTP/1.1\r\n\r\n".getBytes(), 4096), "not TLS");
            try (SocketChannel silent = Loopback.connect(relay.address())) {
                assertEquals(-1, Loopback.greeting(silent), "no ClientHello within the handshake timeout");
            }
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    relay.server().counters().get(RelayCounter.CONNECTIONS_REJECTED_SERVER_NAME) == 4);
            assertEquals(2, connectWith(relay, ClientHellos.forName("x.apps.relay.test"), 4096), "still serving");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.relay.core.testing.TestTransports#available")
    void aRouteChosenByNameCanTerminateTls(TransportKind transport) throws Exception {
        Path[] cert = TestCertificates.make(dir, "secure.relay.test");
        Endpoint shared = Loopback.freeEndpoint();
        try (PlainServer secure = upstream(1); PlainServer passthrough = upstream(2);
             TestRelay relay = TestRelay.start(transport,
                     route("secure", shared, secure, "secure.relay.test")
                             .tls(new TlsConfig(List.of(new TlsConfig.Certificate(cert[0], cert[1])))).build(),
                     route("passthrough", shared, passthrough).build())) {
            int port = ((InetSocketAddress) relay.address()).getPort();
            try (SSLSocket socket = (SSLSocket) TestCertificates.trusting(cert[0]).getSocketFactory().createSocket("127.0.0.1", port)) {
                SSLParameters parameters = socket.getSSLParameters();
                parameters.setServerNames(List.of(new SNIHostName("secure.relay.test")));
                socket.setSSLParameters(parameters);
                socket.startHandshake();
                assertEquals(1, socket.getInputStream().read(), "terminated by the route the name chose");
            }
            assertEquals(2, connectWith(relay, ClientHellos.forName("elsewhere.relay.test"), 4096));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.relay.core.testing.TestTransports#available")
    void aReloadAddsARouteToASharedAddressWithoutRebindingIt(TransportKind transport) throws Exception {
        Endpoint shared = Loopback.freeEndpoint();
        try (PlainServer api = upstream(1); PlainServer fallback = upstream(3); PlainServer added = upstream(4);
             TestRelay relay = TestRelay.start(transport,
                     route("api", shared, api, "api.relay.test").build(),
                     route("fallback", shared, fallback).build());
             SocketChannel before = Loopback.connect(relay.address())) {
            assertEquals(3, connectWith(relay, ClientHellos.forName("new.relay.test"), 4096));
            relay.server().reload(relay.server().config().withRoutes(relay.server().config().routes().get(0),
                    relay.server().config().routes().get(1), route("new", shared, added, "new.relay.test").build()));
            assertEquals(4, connectWith(relay, ClientHellos.forName("new.relay.test"), 4096), "the added route");
            assertEquals(1, connectWith(relay, ClientHellos.forName("api.relay.test"), 4096));
            byte[] hello = ClientHellos.forName("api.relay.test");
            Loopback.writeFully(before, hello);
            assertEquals(1, Loopback.greeting(before), "accepted before the reload, routed after it: same socket");
        }
    }
}
