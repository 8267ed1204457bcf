package dev.relay.core.discovery;

import dev.relay.core.config.AccessLogConfig;
import dev.relay.core.config.AdminConfig;
import dev.relay.core.config.DnsConfig;
import dev.relay.core.config.Endpoint;
import dev.relay.core.config.RouteConfig;
import dev.relay.core.config.ServerConfig;
import dev.relay.core.config.TransportKind;
import dev.relay.core.config.UnixSocketMode;
import dev.relay.core.config.UpstreamDiscovery;
import dev.relay.core.testing.FakeDnsServer;
import dev.relay.core.testing.FakeDnsServer.Srv;
import dev.relay.core.testing.Loopback;
import dev.relay.core.testing.PlainServer;
import dev.relay.core.testing.TestRelay;
import dev.relay.core.testing.TrafficLoop;
import dev.relay.core.upstream.Upstream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A route whose upstreams are a DNS SRV name's targets, against a DNS server the test runs: targets added, removed,
 * re-weighted and moved to a lower priority are followed by new connections within the TTL; a failing DNS server
 * leaves the pool as it was, and breaks no connection (the targets are addresses in the pool, not names to look up
 * again). Connections flow through every change, and none fails.
 */
class DnsSrvDiscoveryTest {

    private static final String SERVICE = "_echo._tcp.relay.test";
    private static final Duration WITHIN = Duration.ofSeconds(15);

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.relay.core.testing.TestTransports#available")
    void thePoolFollowsTheSrvRecordsAndSurvivesAnOutage(TransportKind transport) throws Exception {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        try (PlainServer one = Loopback.identityServer(new InetSocketAddress(loopback, 0), 1);
             PlainServer two = Loopback.identityServer(new InetSocketAddress(loopback, 0), 2);
             PlainServer three = Loopback.identityServer(new InetSocketAddress(loopback, 0), 3);
             FakeDnsServer dns = new FakeDnsServer(loopback, 1)) {
            Srv a = new Srv(10, 1, port(one), "one.relay.test");
            Srv b = new Srv(10, 1, port(two), "two.relay.test");
            dns.srv(SERVICE, List.of(a, b));
            RouteConfig route = RouteConfig.builder("fleet").listen(Endpoint.parse("127.0.0.1:0"))
                    .discovery(new UpstreamDiscovery.DnsSrv(SERVICE, Duration.ZERO)).build();
            DnsConfig everySecond = new DnsConfig(Duration.ZERO, Duration.ofSeconds(1),
                    List.of((Endpoint.Inet) Loopback.endpoint(dns.address())));
            ServerConfig config = new ServerConfig(transport, 2, ServerConfig.DEFAULT_BACKLOG, false,
                    Duration.ofSeconds(2), everySecond, AdminConfig.OFF, AccessLogConfig.OFF, List.of(route),
                    ServerConfig.DEFAULT_CERTIFICATE_CHECK_INTERVAL, true, UnixSocketMode.FROM_UMASK);
            try (TestRelay relay = TestRelay.start(config)) {
                Supplier<Map<String, Upstream>> pool = () -> relay.server().routes().get("fleet").state().pool()
                        .members().stream().collect(Collectors.toMap(Upstream::name, u -> u));
                await().atMost(WITHIN).until(() -> pool.get().size() == 2);
                DiscoveryStatus status = relay.server().discovery("fleet").orElseThrow();
                assertEquals(DiscoveryStatus.State.CURRENT, status.state());

                try (TrafficLoop traffic = new TrafficLoop(relay.address())) {
                    await().atMost(WITHIN).until(() -> traffic.reached(1) > 0 && traffic.reached(2) > 0);

                    Srv c = new Srv(10, 1, port(three), "three.relay.test");
                    dns.srv(SERVICE, List.of(a, b, c));
                    await().atMost(WITHIN).until(() -> traffic.reached(3) > 0);

                    dns.srv(SERVICE, List.of(b, c));
                    await().atMost(WITHIN).until(() -> !pool.get().containsKey("127.0.0.1:" + port(one)));
                    settle(traffic);
                    int toOneThen = traffic.reached(1);
                    int okThen = traffic.ok();
                    await().atMost(WITHIN).until(() -> traffic.ok() > okThen + 20);
                    assertEquals(toOneThen, traffic.reached(1), "no new connection to a removed target");

                    dns.srv(SERVICE, List.of(new Srv(10, 7, port(two), "two.relay.test"), c));
                    await().atMost(WITHIN).until(() -> pool.get().get("127.0.0.1:" + port(two)).weight() == 7);

                    // Priority 20 is below the primaries' 10: three.relay.test becomes a backup.
                    dns.srv(SERVICE, List.of(b, new Srv(20, 1, port(three), "three.relay.test")));
                    await().atMost(WITHIN).until(() -> pool.get().get("127.0.0.1:" + port(three)).backup());
                    settle(traffic);
                    int toThreeThen = traffic.reached(3);
                    int okBefore = traffic.ok();
                    await().atMost(WITHIN).until(() -> traffic.ok() > okBefore + 20);
                    assertEquals(toThreeThen, traffic.reached(3), "a backup takes nothing while a primary is up");

                    dns.failing(true);
                    await().atMost(WITHIN).until(() -> status.state() == DiscoveryStatus.State.STALE);
                    int okInOutage = traffic.ok();
                    await().atMost(WITHIN).until(() -> traffic.ok() > okInOutage + 20);
                    assertEquals(2, pool.get().size(), "the outage left the pool as it was");

                    dns.failing(false);
                    await().atMost(WITHIN).until(() -> status.state() == DiscoveryStatus.State.CURRENT);
                    traffic.close();
                    assertEquals(0, traffic.failed(), () -> "first failure: " + traffic.firstFailure());
                }
                assertEquals(5, status.changes(), "one change per answer that changed the pool: "
                        + "first, added, removed, re-weighted, backup");
            }
        }
    }

    /** Lets the connections that chose their upstream before the pool changed finish before anything is counted. */
    static void settle(TrafficLoop traffic) {
        int now = traffic.ok() + traffic.failed();
        await().atMost(WITHIN).until(() -> traffic.ok() + traffic.failed() > now + 5);
    }

    private static int port(PlainServer server) {
        return ((InetSocketAddress) server.address()).getPort();
    }
}
