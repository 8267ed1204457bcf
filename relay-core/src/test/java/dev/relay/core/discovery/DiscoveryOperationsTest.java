package dev.relay.core.discovery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.relay.core.RelayHooks;
import dev.relay.core.RelayServer;
import dev.relay.core.config.AdminConfig;
import dev.relay.core.config.Balance;
import dev.relay.core.config.DnsConfig;
import dev.relay.core.config.Endpoint;
import dev.relay.core.config.HealthCheckConfig;
import dev.relay.core.config.RouteConfig;
import dev.relay.core.config.ServerConfig;
import dev.relay.core.config.TransportKind;
import dev.relay.core.config.UpstreamDiscovery;
import dev.relay.core.proxy.CloseReason;
import dev.relay.core.proxy.ConnectionSummary;
import dev.relay.core.testing.AdminClient;
import dev.relay.core.testing.FakeDnsServer;
import dev.relay.core.testing.FakeDnsServer.Srv;
import dev.relay.core.testing.Loopback;
import dev.relay.core.testing.PlainServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What an operator sees and does with a discovered pool: health that waits for the first answer, the source in the
 * API and the metrics, a reload that keeps the source (or restarts it when its settings change) and the pool, and
 * open connections to a removed upstream closed after {@code close_removed_after}.
 */
class DiscoveryOperationsTest {

    private static final String SERVICE = "_web._tcp.relay.test";
    private static final Duration WITHIN = Duration.ofSeconds(15);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private PlainServer one;
    private PlainServer two;
    private FakeDnsServer dns;
    private RelayServer relay;
    private final List<ConnectionSummary> closed = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        one = Loopback.identityServer(new InetSocketAddress(loopback, 0), 1);
        two = Loopback.identityServer(new InetSocketAddress(loopback, 0), 2);
        dns = new FakeDnsServer(loopback, 1);
    }

    @AfterEach
    void stop() throws IOException {
        if (relay != null) {
            relay.close();
        }
        dns.close();
        one.close();
        two.close();
    }

    private ServerConfig config(RouteConfig route) {
        return ServerConfig.of(route).with(TransportKind.NIO, 2, Duration.ofSeconds(2))
                .withDns(new DnsConfig(Duration.ZERO, Duration.ofSeconds(1),
                        List.of((Endpoint.Inet) Loopback.endpoint(dns.address()))))
                .withAdmin(new AdminConfig(Endpoint.parse("127.0.0.1:0"), null));
    }

    private static RouteConfig route(String service, Duration closeRemovedAfter) {
        return RouteConfig.builder("web").listen(Endpoint.parse("127.0.0.1:0"))
                .discovery(new UpstreamDiscovery.DnsSrv(service, closeRemovedAfter)).build();
    }

    @Test
    void healthWaitsForTheFirstAnswerAndTheApiAndMetricsShowTheSource() throws Exception {
        relay = RelayServer.start(config(route(SERVICE, Duration.ZERO)), RelayHooks.DEFAULT);
        AdminClient admin = new AdminClient(relay.adminAddress());
        await().atMost(WITHIN).until(() -> relay.discovery("web").orElseThrow().errors() > 0);
        assertEquals(503, admin.get("/api/health").statusCode());
        assertTrue(admin.get("/api/health").body().contains("waiting_for_upstreams"));

        dns.srv(SERVICE, List.of(new Srv(10, 1, port(one), "one.relay.test")));
        await().atMost(WITHIN).until(() -> admin.get("/api/health").statusCode() == 200);
        JsonNode route = JSON.readTree(admin.get("/api/routes").body()).get("routes").get(0);
        JsonNode discovery = route.get("discovery");
        assertEquals("dns_srv " + SERVICE, discovery.get("source").asText());
        assertEquals("current", discovery.get("state").asText());
        assertEquals(1, discovery.get("serving").asInt());
        assertEquals("127.0.0.1:" + port(one), route.get("upstreams").get(0).get("address").asText());
        assertTrue(!route.get("upstreams").get(0).get("draining").asBoolean());
        String metrics = admin.get("/metrics").body();
        assertTrue(metrics.contains("relay_discovery_endpoints{route=\"web\",state=\"serving\"} 1.0"), metrics);
        assertTrue(metrics.contains("relay_discovery_stale{route=\"web\"} 0.0"), metrics);
    }

    @Test
    void aReloadKeepsTheSourceAndPoolAndRestartsTheSourceOnlyWhenItsSettingsChange() throws Exception {
        dns.srv(SERVICE, List.of(new Srv(10, 1, port(one), "one.relay.test")));
        relay = RelayServer.start(config(route(SERVICE, Duration.ZERO)), RelayHooks.DEFAULT);
        await().atMost(WITHIN).until(() -> relay.routes().get("web").state().pool().members().size() == 1);
        DiscoveryStatus first = relay.discovery("web").orElseThrow();

        relay.reload(config(route(SERVICE, Duration.ZERO).toBuilder().balance(Balance.LEAST_CONNECTIONS).build()));
        assertSame(first, relay.discovery("web").orElseThrow(), "the same source goes on");
        assertEquals(1, relay.routes().get("web").state().pool().members().size(), "with the pool it gave");

        String other = "_other._tcp.relay.test";
        dns.srv(other, List.of(new Srv(10, 1, port(two), "two.relay.test")));
        relay.reload(config(route(other, Duration.ZERO)));
        assertNotSame(first, relay.discovery("web").orElseThrow(), "new settings, a new source");
        await().atMost(WITHIN).until(() -> greeting() == 2);
    }

    @Test
    void connectionsToARemovedUpstreamCloseAfterTheGrace() throws Exception {
        dns.srv(SERVICE, List.of(new Srv(10, 1, port(one), "one.relay.test")));
        relay = RelayServer.start(config(route(SERVICE, Duration.ofSeconds(1))),
                RelayHooks.DEFAULT.withOnClosed(closed::add));
        await().atMost(WITHIN).until(() -> relay.routes().get("web").state().pool().members().size() == 1);
        try (SocketChannel open = Loopback.connect(relay.localAddress())) {
            assertEquals(1, Loopback.greeting(open));
            dns.srv(SERVICE, List.of(new Srv(10, 1, port(two), "two.relay.test")));
            await().atMost(WITHIN).until(() -> closed.stream()
                    .anyMatch(c -> c.reason() == CloseReason.UPSTREAM_REMOVED));
            assertEquals(2, greeting(), "new connections go to the new upstream");
        }
    }

    @Test
    void aDiscoveredUpstreamThatFailsItsChecksIsSkipped() throws Exception {
        int refusing = ((Endpoint.Inet) Loopback.refusingEndpoint()).port();
        dns.srv(SERVICE, List.of(new Srv(10, 1, port(one), "one.relay.test"),
                new Srv(10, 1, refusing, "gone.relay.test")));
        RouteConfig checked = route(SERVICE, Duration.ZERO).toBuilder().healthCheck(new HealthCheckConfig(
                Duration.ofMillis(200), Duration.ofSeconds(1), 1, 1, 0, Duration.ofSeconds(30))).build();
        relay = RelayServer.start(config(checked), RelayHooks.DEFAULT);
        await().atMost(WITHIN).until(() -> relay.routes().get("web").state().pool().members().stream()
                .anyMatch(u -> u.address().toString().endsWith(":" + refusing) && !u.healthy()));
        for (int i = 0; i < 10; i++) {
            assertEquals(1, greeting(), "the endpoint the checks took down gets nothing");
        }
    }

    @Test
    void aKubeconfigThatIsNoKubeconfigIsOneLineAndTheRelayRunsOn() throws Exception {
        Path bad = Files.writeString(dir.resolve("kubeconfig"), "clusters: [ {name: x\n  bad: : :\n");
        RouteConfig route = RouteConfig.builder("web").listen(Endpoint.parse("127.0.0.1:0"))
                .discovery(new UpstreamDiscovery.Kubernetes("db", "prod", null, bad, Duration.ZERO)).build();
        relay = RelayServer.start(config(route), RelayHooks.DEFAULT);
        DiscoveryStatus status = relay.discovery("web").orElseThrow();
        assertEquals(DiscoveryStatus.State.STALE, status.state());
        String error = status.view().lastError();
        assertTrue(error.startsWith("cannot start: upstreams.kubernetes.kubeconfig: " + bad + " is not a kubeconfig ("),
                error);
        assertTrue(error.lines().count() == 1, error);
        assertEquals(503, new AdminClient(relay.adminAddress()).get("/api/health").statusCode(), "not ready");
    }

    private int greeting() throws IOException {
        try (SocketChannel client = Loopback.connect(relay.localAddress())) {
            return Loopback.greeting(client);
        }
    }

    private static int port(PlainServer server) {
        return ((InetSocketAddress) server.address()).getPort();
    }
}
