package dev.relay.core.proxy;

import dev.relay.core.config.Acl;
import dev.relay.core.config.Cidr;
import dev.relay.core.config.Endpoint;
import dev.relay.core.config.RouteConfig;
import dev.relay.core.config.RouteLimits;
import dev.relay.core.metrics.RelayCounter;
import dev.relay.core.testing.CapturedLogs;
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
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Who gets in: the route's ACL, its connection limit and its per-client limit, on 127.0.0.1 and ::1. */
class RouteAdmissionTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Endpoint IPV4 = Endpoint.parse("127.0.0.1:0");
    private static final Endpoint IPV6 = Endpoint.parse("[::1]:0");

    private static PlainServer identity() throws IOException {
        return Loopback.identityServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 7);
    }

    /** True when the relay turned the client away: its connection ends (EOF or reset) before any byte. */
    private static boolean turnedAway(SocketChannel client) {
        try {
            return Loopback.greeting(client) == -1;
        } catch (IOException reset) {
            return true;
        }
    }

    private static SocketAddress listener(TestRelay relay, int index) {
        return relay.server().localAddresses("r").get(index);
    }

    /** Route "r" listening on 127.0.0.1 (listener 0) and ::1 (listener 1), relaying to {@code upstream}. */
    private static TestRelay onBothFamilies(TransportKind transport, PlainServer upstream,
                                            UnaryOperator<RouteConfig.Builder> tweak) {
        return TestRelay.start(transport, tweak.apply(RouteConfig.builder("r").listen(IPV4).listen(IPV6)
                .upstream(Loopback.endpoint(upstream.address()))).build());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.relay.core.testing.TestTransports#available")
    void theAclServesIpv4AndRefusesIpv6WhenToldTo(TransportKind transport) throws Exception {
        Assumptions.assumeTrue(Family.IPV6.available(), "::1 is not bound on this host");
        try (PlainServer upstream = identity();
             TestRelay relay = onBothFamilies(transport, upstream,
                     r -> r.acl(new Acl(List.of(), List.of(Cidr.parse("::1/128")))));
             SocketChannel v4 = Loopback.connect(listener(relay, 0));
             SocketChannel v6 = Loopback.connect(listener(relay, 1))) {
            assertEquals(7, Loopback.greeting(v4), "127.0.0.1 is served");
            assertTrue(turnedAway(v6), "::1 is refused");
            assertEquals(1, relay.server().counters().get(RelayCounter.CONNECTIONS_REJECTED_ACL));
            assertEquals(1, upstream.acceptedCount(), "a refused client never reaches an upstream");
            await().atMost(WAIT).until(() -> CapturedLogs.contains("route=r refused client=[::1]"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.relay.core.testing.TestTransports#available")
    void anAllowListServesOnlyTheNetworksOnIt(TransportKind transport) throws Exception {
        Assumptions.assumeTrue(Family.IPV6.available(), "::1 is not bound on this host");
        try (PlainServer upstream = identity();
             TestRelay relay = onBothFamilies(transport, upstream,
                     r -> r.acl(new Acl(List.of(Cidr.parse("::1")), List.of())));
             SocketChannel v4 = Loopback.connect(listener(relay, 0));
             SocketChannel v6 = Loopback.connect(listener(relay, 1))) {
            assertTrue(turnedAway(v4), "127.0.0.1 is not on the list");
            assertEquals(7, Loopback.greeting(v6), "::1 is");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.relay.core.testing.TestTransports#available")
    void overTheRouteLimitANewClientIsRefusedUntilOneLeaves(TransportKind transport) throws Exception {
        try (PlainServer upstream = identity();
             TestRelay relay = TestRelay.start(transport, RouteConfig.builder("r").listen(IPV4)
                     .upstream(Loopback.endpoint(upstream.address()))
                     .limits(new RouteLimits(2, 0))
                     .build());
             SocketChannel first = Loopback.connect(relay.address());
             SocketChannel second = Loopback.connect(relay.address())) {
            assertEquals(7, Loopback.greeting(first));
            assertEquals(7, Loopback.greeting(second));
            try (SocketChannel third = Loopback.connect(relay.address())) {
                assertTrue(turnedAway(third));
            }
            assertEquals(1, relay.server().counters().get(RelayCounter.CONNECTIONS_REJECTED_LIMIT));

            first.close();
            relay.awaitClosed(1, WAIT);
            try (SocketChannel fourth = Loopback.connect(relay.address())) {
                assertEquals(7, Loopback.greeting(fourth), "room again once a client left");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.relay.core.testing.TestTransports#available")
    void thePerClientLimitCountsEachAddressApart(TransportKind transport) throws Exception {
        Assumptions.assumeTrue(Family.IPV6.available(), "::1 is not bound on this host");
        try (PlainServer upstream = identity();
             TestRelay relay = onBothFamilies(transport, upstream, r -> r.limits(new RouteLimits(0, 1)));
             SocketChannel v4 = Loopback.connect(listener(relay, 0))) {
            assertEquals(7, Loopback.greeting(v4));
            try (SocketChannel v4Again = Loopback.connect(listener(relay, 0));
                 SocketChannel v6 = Loopback.connect(listener(relay, 1))) {
                assertTrue(turnedAway(v4Again), "127.0.0.1 has its one connection");
                assertEquals(7, Loopback.greeting(v6), "::1 is another client");
            }
            assertEquals(1, relay.server().counters().get(RelayCounter.CONNECTIONS_REJECTED_LIMIT));
        }
    }
}
