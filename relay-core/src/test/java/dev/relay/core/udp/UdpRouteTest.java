package dev.relay.core.udp;

import dev.relay.core.testing.FakeDnsServer;
import dev.relay.core.config.DnsConfig;
import dev.relay.core.config.UpstreamDiscovery;
import dev.relay.core.config.Acl;
import dev.relay.core.config.Balance;
import dev.relay.core.config.Cidr;
import dev.relay.core.config.Endpoint;
import dev.relay.core.config.HealthCheckConfig;
import dev.relay.core.config.Protocol;
import dev.relay.core.config.RouteConfig;
import dev.relay.core.config.RouteLimits;
import dev.relay.core.config.RouteTimeouts;
import dev.relay.core.config.ServerConfig;
import dev.relay.core.config.TransportKind;
import dev.relay.core.config.UpstreamConfig;
import dev.relay.core.testing.Family;
import dev.relay.core.tools.EchoConfig;
import dev.relay.core.tools.UdpEchoServer;
import dev.relay.core.upstream.Upstream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A UDP route's features over real loopback sockets, on every transport: balancing per session, health checks,
 * the ACL and limits, reload and drain, metrics, IPv6 and hostnames.
 */
class UdpRouteTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.relay.core.testing.TestTransports#available")
    void roundRobinSpreadsSessionsAndSourceHashKeepsAClientOnOneUpstream(TransportKind transport) throws Exception {
        try (UdpEchoServer a = named(transport, "a"); UdpEchoServer b = named(transport, "b")) {
            try (UdpRelayUnderTest relay = UdpRelayUnderTest.start(transport, 0, r -> r.upstream(at(a)).upstream(at(b)))) {
                Map<String, Integer> replies = askFromNewClients(relay, 6);
                assertEquals(Map.of("a", 3, "b", 3), replies, "round robin: one session in turn to each");
            }
            try (UdpRelayUnderTest relay = UdpRelayUnderTest.start(transport, 0,
                    r -> r.upstream(at(a)).upstream(at(b)).balance(Balance.SOURCE_HASH))) {
                Map<String, Integer> replies = askFromNewClients(relay, 6);
                assertEquals(1, replies.size(), "every client is 127.0.0.1: one upstream for all, " + replies);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.relay.core.testing.TestTransports#available")
    void anUpstreamThatFailsItsChecksGetsNoNewSession(TransportKind transport) throws Exception {
        int closedPort = closedPort();
        HealthCheckConfig checks = new HealthCheckConfig(Duration.ofMillis(100), Duration.ofMillis(500), 1, 1, 0,
                Duration.ofSeconds(30), "ping");
        try (UdpEchoServer alive = named(transport, "alive"); DatagramSocket silent = client();
             UdpRelayUnderTest relay = UdpRelayUnderTest.start(transport, 0, r -> r.upstream(at(alive))
                     .upstream(new Endpoint.Inet("127.0.0.1", closedPort))
                     .upstream(new Endpoint.Inet("127.0.0.1", silent.getLocalPort()))
                     .healthCheck(checks))) {
            List<Upstream> pool = relay.route().state().pool().members();
            await().atMost(Duration.ofSeconds(10)).until(() -> !pool.get(1).healthy() && !pool.get(2).healthy());
            assertTrue(pool.get(0).healthy(), "the one that answers stays up");
            assertEquals(Map.of("alive", 4), askFromNewClients(relay, 4));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.relay.core.testing.TestTransports#available")
    void theAclAndThePerClientLimitDropAndCount(TransportKind transport) throws Exception {
        try (UdpEchoServer echo = named(transport, null)) {
            Acl denyLoopback = new Acl(List.of(), List.of(Cidr.parse("127.0.0.1/32")));
            try (UdpRelayUnderTest relay = UdpRelayUnderTest.start(transport, 0, r -> r.upstream(at(echo)).acl(denyLoopback));
                 DatagramSocket client = client()) {
                send(client, relay.localAddress(), "let me in");
                await().atMost(Duration.ofSeconds(5)).until(() -> relay.counters().dropped(UdpDrop.ACL) == 1);
                assertEquals(0, relay.counters().sessionsOpened());
            }
            try (UdpRelayUnderTest relay = UdpRelayUnderTest.start(transport, 0,
                    r -> r.upstream(at(echo)).limits(new RouteLimits(100, 1)));
                 DatagramSocket first = client(); DatagramSocket second = client()) {
                send(first, relay.localAddress(), "one");
                assertEquals("one", receive(first));
                send(second, relay.localAddress(), "two from the same address");
                await().atMost(Duration.ofSeconds(5)).until(() -> relay.counters().dropped(UdpDrop.LIMIT) == 1);
                send(first, relay.localAddress(), "still mine");
                assertEquals("still mine", receive(first), "the client's one session goes on");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.relay.core.testing.TestTransports#available")
    void aReloadUnderTrafficKeepsTheSocketAndEverySession(TransportKind transport) throws Exception {
        try (UdpEchoServer echo = named(transport, null); UdpEchoServer other = named(transport, "other");
             UdpRelayUnderTest relay = UdpRelayUnderTest.start(transport, 0, r -> r.upstream(at(echo)))) {
            List<DatagramSocket> clients = new ArrayList<>();
            try {
                for (int c = 0; c < 5; c++) {
                    clients.add(client());
                }
                InetSocketAddress before = relay.localAddress();
                RouteConfig running = relay.route().state().config();
                for (int round = 0; round < 20; round++) {
                    if (round == 10) {
                        // A changed upstream list, idle timeout and limit: new sessions get them, open ones stay.
                        RouteConfig changed = running.toBuilder().clearUpstreams().upstream(at(other))
                                .timeouts(new RouteTimeouts(RouteTimeouts.DEFAULT_CONNECT, Duration.ofMinutes(5),
                                        Duration.ZERO))
                                .limits(new RouteLimits(50, 0)).build();
                        assertEquals(List.of(UdpRelayUnderTest.ROUTE),
                                relay.server().reload(relay.server().config().withRoutes(changed)).changed());
                    }
                    for (int c = 0; c < clients.size(); c++) {
                        String text = "client " + c + " round " + round;
                        send(clients.get(c), before, text);
                        assertEquals(text, receive(clients.get(c)), "still the first upstream, through the same session");
                    }
                }
                assertEquals(before, relay.localAddress(), "the same socket");
                assertEquals(5, relay.counters().sessionsOpened(), "no session lost, none opened anew");
                try (DatagramSocket late = client()) {
                    send(late, before, "new");
                    assertEquals("other", receive(late), "a new session takes the new upstream");
                }
            } finally {
                clients.forEach(DatagramSocket::close);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.relay.core.testing.TestTransports#available")
    void aStopDrainsOpenSessionsAndOpensNoNewOne(TransportKind transport) throws Exception {
        try (UdpEchoServer echo = named(transport, null); DatagramSocket old = client(); DatagramSocket late = client()) {
            RouteConfig route = RouteConfig.builder(UdpRelayUnderTest.ROUTE).protocol(Protocol.UDP)
                    .listen(new Endpoint.Inet("127.0.0.1", 0)).upstream(at(echo)).build();
            UdpRelayUnderTest relay = UdpRelayUnderTest.start(ServerConfig.of(route)
                    .with(transport, 1, Duration.ofSeconds(20)));
            InetSocketAddress where = relay.localAddress();
            send(old, where, "before");
            assertEquals("before", receive(old));
            CompletableFuture<Void> stopped = CompletableFuture.runAsync(relay::close);
            await().atMost(Duration.ofSeconds(5)).until(() -> relay.server().isStopping());
            send(old, where, "while draining");
            assertEquals("while draining", receive(old), "an open session is still served");
            send(late, where, "too late");
            await().atMost(Duration.ofSeconds(5)).until(() -> relay.counters().dropped(UdpDrop.DRAINING) == 1);
            // Quiet for a second, the session is done: the stop ends long before the drain timeout.
            stopped.get(15, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(0, relay.openSessions());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.relay.core.testing.TestTransports#available")
    void withReusePortEveryLoopListensAndEachClientStillGetsItsOwnReplies(TransportKind transport) throws Exception {
        try (UdpEchoServer echo = named(transport, null)) {
            RouteConfig route = RouteConfig.builder(UdpRelayUnderTest.ROUTE).protocol(Protocol.UDP)
                    .listen(new Endpoint.Inet("127.0.0.1", 0)).upstream(at(echo)).build();
            try (UdpRelayUnderTest relay = UdpRelayUnderTest.start(ServerConfig.of(route).withReusePort(true)
                    .with(transport, 2, Duration.ZERO))) {
                List<DatagramSocket> clients = new ArrayList<>();
                try {
                    for (int c = 0; c < 16; c++) {
                        clients.add(client());
                    }
                    for (int round = 0; round < 3; round++) {
                        for (int c = 0; c < clients.size(); c++) {
                            String text = "client " + c + " round " + round;
                            send(clients.get(c), relay.localAddress(), text);
                            assertEquals(text, receive(clients.get(c)));
                        }
                    }
                    assertEquals(16, relay.counters().sessionsOpened(), "a client's datagrams stay on one socket");
                } finally {
                    clients.forEach(DatagramSocket::close);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.relay.core.testing.TestTransports#available")
    void metricsCountDatagramsSessionsAndDrops(TransportKind transport) throws Exception {
        try (UdpEchoServer echo = named(transport, null);
             UdpRelayUnderTest relay = UdpRelayUnderTest.start(transport, 0, r -> r.upstream(at(echo))
                     .udp(dev.relay.core.config.UdpOptions.DEFAULT.withMaxDatagramSize(10)));
             DatagramSocket client = client()) {
            send(client, relay.localAddress(), "12345");
            assertEquals("12345", receive(client));
            send(client, relay.localAddress(), "far too long for it");
            await().atMost(Duration.ofSeconds(5)).until(() -> relay.counters().dropped(UdpDrop.OVERSIZE) == 1);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            relay.server().metrics().writeTo(out);
            String text = out.toString(StandardCharsets.UTF_8);
            for (String line : List.of("relay_udp_datagrams_total{direction=\"upstream\",route=\"udp\"} 1.0",
                    "relay_udp_datagrams_total{direction=\"downstream\",route=\"udp\"} 1.0",
                    "relay_udp_bytes_total{direction=\"upstream\",route=\"udp\"} 5.0",
                    "relay_udp_sessions_active{route=\"udp\"} 1.0",
                    "relay_udp_sessions_total{route=\"udp\"} 1.0",
                    "relay_udp_dropped_total{reason=\"oversize\",route=\"udp\"} 1.0",
                    "relay_upstream_connect_attempts_total{route=\"udp\",upstream=\"127.0.0.1:" + echo.localAddress().getPort() + "\"} 1.0")) {
                assertTrue(text.contains(line), line + " in\n" + text);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.relay.core.testing.TestTransports#available")
    void ipv6AndAHostnameUpstream(TransportKind transport) throws Exception {
        Assumptions.assumeTrue(Family.IPV6.available(), "no ::1 here");
        try (UdpEchoServer echo = UdpEchoServer.start(new EchoConfig(new Endpoint.Inet("::1", 0), null, transport));
             UdpEchoServer named = named(transport, "by name");
             UdpRelayUnderTest relay = UdpRelayUnderTest.start(transport, 0, r -> r.clearListen()
                     .listen(new Endpoint.Inet("::1", 0)).upstream(new Endpoint.Inet("::1", echo.localAddress().getPort())));
             UdpRelayUnderTest byName = UdpRelayUnderTest.start(transport, 0,
                     r -> r.upstream(new Endpoint.Inet("localhost", named.localAddress().getPort())));
             DatagramSocket client6 = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("::1"), 0));
             DatagramSocket client4 = client()) {
            client6.setSoTimeout(5_000);
            send(client6, relay.localAddress(), "over ::1");
            assertEquals("over ::1", receive(client6));
            send(client4, byName.localAddress(), "hello");
            assertEquals("by name", receive(client4), "localhost resolved by the relay's DNS client");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.relay.core.testing.TestTransports#available")
    void aUdpRouteTakesItsUpstreamsFromDnsSrv(TransportKind transport) throws Exception {
        try (UdpEchoServer a = named(transport, "a"); UdpEchoServer b = named(transport, "b");
             FakeDnsServer dns = new FakeDnsServer(LOOPBACK, 1)) {
            String service = "_syslog._udp.relay.test";
            dns.srv(service, List.of(new FakeDnsServer.Srv(10, 1, a.localAddress().getPort(), "a.relay.test")));
            RouteConfig route = RouteConfig.builder(UdpRelayUnderTest.ROUTE).protocol(Protocol.UDP)
                    .listen(new Endpoint.Inet("127.0.0.1", 0))
                    .discovery(new UpstreamDiscovery.DnsSrv(service, Duration.ZERO)).build();
            ServerConfig config = ServerConfig.of(route).with(transport, 1, Duration.ZERO)
                    .withDns(new DnsConfig(Duration.ZERO, Duration.ofSeconds(1),
                            List.of(new Endpoint.Inet("127.0.0.1", dns.address().getPort()))));
            try (UdpRelayUnderTest relay = UdpRelayUnderTest.start(config)) {
                await().atMost(Duration.ofSeconds(10)).until(() -> relay.route().state().pool().members().size() == 1);
                assertEquals(Map.of("a", 2), askFromNewClients(relay, 2));
                dns.srv(service, List.of(new FakeDnsServer.Srv(10, 1, b.localAddress().getPort(), "b.relay.test")));
                await().atMost(Duration.ofSeconds(10)).until(() -> relay.route().state().pool().members().stream()
                        .allMatch(u -> u.address().toString().endsWith(":" + b.localAddress().getPort())));
                assertEquals(Map.of("b", 2), askFromNewClients(relay, 2), "new sessions follow the records");
            }
        }
    }

    private static Map<String, Integer> askFromNewClients(UdpRelayUnderTest relay, int count) throws IOException {
        Map<String, Integer> replies = new HashMap<>();
        for (int i = 0; i < count; i++) {
            try (DatagramSocket client = client()) {
                send(client, relay.localAddress(), "who?");
                replies.merge(receive(client), 1, Integer::sum);
            }
        }
        return replies;
    }

    private static UdpEchoServer named(TransportKind transport, String reply) {
        return UdpEchoServer.start(new EchoConfig(new Endpoint.Inet("127.0.0.1", 0), reply, transport));
    }

    private static UpstreamConfig at(UdpEchoServer server) {
        return UpstreamConfig.of(new Endpoint.Inet("127.0.0.1", server.localAddress().getPort()));
    }

    private static int closedPort() throws IOException {
        try (DatagramSocket reserved = new DatagramSocket(0, LOOPBACK)) {
            return reserved.getLocalPort();
        }
    }

    private static DatagramSocket client() throws IOException {
        DatagramSocket socket = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
        socket.setSoTimeout(5_000);
        return socket;
    }

    private static void send(DatagramSocket client, InetSocketAddress to, String text) throws IOException {
        byte[] data = text.getBytes(StandardCharsets.UTF_8);
        client.send(new DatagramPacket(data, data.length, to));
    }

    private static String receive(DatagramSocket client) throws IOException {
        byte[] buffer = new byte[65_536];
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        client.receive(packet);
        return new String(Arrays.copyOf(buffer, packet.getLength()), StandardCharsets.UTF_8);
    }
}
