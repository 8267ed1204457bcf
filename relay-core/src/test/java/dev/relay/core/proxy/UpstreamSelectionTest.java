package dev.relay.core.proxy;

import dev.relay.core.config.Endpoint;
import dev.relay.core.config.HealthCheckConfig;
import dev.relay.core.config.RouteConfig;
import dev.relay.core.config.RouteTimeouts;
import dev.relay.core.config.UpstreamConfig;
import dev.relay.core.metrics.RelayCounter;
import dev.relay.core.testing.Loopback;
import dev.relay.core.testing.PlainServer;
import dev.relay.core.testing.TestRelay;
import dev.relay.core.config.TransportKind;
import dev.relay.core.upstream.Upstream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.time.Duration;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Which upstream a connection reaches: retries, passive ejection, active health checks, the end of the road. */
class UpstreamSelectionTest {

    private static final Endpoint LISTEN = Endpoint.parse("127.0.0.1:0");
    private static final Duration WAIT = Duration.ofSeconds(10);

    private static PlainServer identity(int id) throws IOException {
        return Loopback.identityServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), id);
    }

    private static int greetingThrough(TestRelay relay) throws IOException {
        try (SocketChannel client = Loopback.connect(relay.address())) {
            return Loopback.greeting(client);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.relay.core.testing.TestTransports#available")
    void aRefusedConnectIsRetriedOnTheNextUpstream(TransportKind transport) throws Exception {
        try (PlainServer live = identity(7);
             TestRelay relay = TestRelay.start(transport, RouteConfig.builder("r").listen(LISTEN)
                     .upstream(Loopback.refusingEndpoint())
                     .upstream(Loopback.endpoint(live.address()))
                     .build())) {
            for (int i = 0; i < 6; i++) {
                assertEquals(7, greetingThrough(relay), "every client reaches the live upstream");
            }
            long retries = relay.server().counters().get(RelayCounter.CONNECT_RETRIES);
            assertEquals(3, retries, "round robin sends every other client to the dead one first");
            assertEquals(0, relay.server().counters().get(RelayCounter.CONNECTIONS_FAILED));
            // Each attempt counted a connection to its upstream: the failed ones and the relayed ones give it back.
            for (Upstream upstream : relay.server().routes().get("r").state().pool().members()) {
                await().atMost(WAIT).until(() -> upstream.activeConnections() == 0);
            }
            assertEquals(0, relay.server().connections().size(), "no connection left open");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.relay.core.testing.TestTransports#available")
    void anUpstreamThatKeepsFailingIsEjectedAndGetsNoMoreTries(TransportKind transport) throws Exception {
        HealthCheckConfig ejectAfterTwo = new HealthCheckConfig(Duration.ZERO, Duration.ofSeconds(1), 1, 1, 2,
                Duration.ofMinutes(10));
        try (PlainServer live = identity(7);
             TestRelay relay = TestRelay.start(transport, RouteConfig.builder("r").listen(LISTEN)
                     .upstream(Loopback.refusingEndpoint())
                     .upstream(Loopback.endpoint(live.address()))
                     .healthCheck(ejectAfterTwo)
                     .build())) {
            for (int i = 0; i < 10; i++) {
                assertEquals(7, greetingThrough(relay));
            }
            assertEquals(2, relay.server().counters().get(RelayCounter.CONNECT_RETRIES),
                    "two failures, then the dead upstream is out for the cool-down");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.relay.core.testing.TestTransports#available")
    void withNoHealthyUpstreamTheClientIsClosedAtOnce(TransportKind transport) throws Exception {
        HealthCheckConfig ejectAtOnce = new HealthCheckConfig(Duration.ZERO, Duration.ofSeconds(1), 1, 1, 1,
                Duration.ofMinutes(10));
        try (TestRelay relay = TestRelay.start(transport, RouteConfig.builder("r").listen(LISTEN)
                .upstream(Loopback.refusingEndpoint())
                .healthCheck(ejectAtOnce)
                .build())) {
            assertEquals(-1, greetingThrough(relay));
            assertEquals(CloseReason.CONNECT_FAILED, relay.awaitClosed(1, WAIT).reason());
            assertEquals(-1, greetingThrough(relay));
            assertEquals(CloseReason.NO_UPSTREAM, relay.awaitClosed(2, WAIT).reason());
            assertEquals(1, relay.server().counters().get(RelayCounter.CONNECTIONS_NO_UPSTREAM));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.relay.core.testing.TestTransports#available")
    void activeChecksTakeAStoppedUpstreamOutAndBringItBack(TransportKind transport) throws Exception {
        HealthCheckConfig checks = new HealthCheckConfig(Duration.ofMillis(50), Duration.ofMillis(500), 2, 2, 0,
                Duration.ofSeconds(1));
        PlainServer first = identity(1);
        InetSocketAddress firstAddress = (InetSocketAddress) first.address();
        try (PlainServer second = identity(2);
             TestRelay relay = TestRelay.start(transport, RouteConfig.builder("r").listen(LISTEN)
                     .upstream(Loopback.endpoint(firstAddress))
                     .upstream(new UpstreamConfig(Loopback.endpoint(second.address()), 1, true))
                     .healthCheck(checks)
                     .build())) {
            Upstream primary = relay.server().routes().get("r").state().pool().members().get(0);
            assertEquals(1, greetingThrough(relay), "the primary serves while it is up");

            first.close();
            await().atMost(WAIT).until(() -> !primary.checkedUp());
            assertEquals(2, greetingThrough(relay), "the backup serves while the primary is down");

            try (PlainServer again = Loopback.identityServer(firstAddress, 1)) {
                await().atMost(WAIT).until(primary::checkedUp);
                assertEquals(1, greetingThrough(relay), "the primary is back");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.relay.core.testing.TestTransports#available")
    void aConnectionIsClosedAtItsMaximumDuration(TransportKind transport) throws Exception {
        try (PlainServer live = identity(7);
             TestRelay relay = TestRelay.start(transport, RouteConfig.builder("r").listen(LISTEN)
                     .upstream(Loopback.endpoint(live.address()))
                     .timeouts(new RouteTimeouts(Duration.ofSeconds(5), Duration.ZERO, Duration.ofMillis(300)))
                     .build());
             SocketChannel client = Loopback.connect(relay.address())) {
            assertEquals(7, Loopback.greeting(client));
            ConnectionSummary summary = relay.awaitClosed(1, WAIT);
            assertEquals(CloseReason.MAX_DURATION, summary.reason());
            assertEquals(-1, Loopback.greeting(client), "the client sees its connection end");
        }
    }
}
