package dev.relay.core.discovery;

import dev.relay.core.config.Endpoint;
import dev.relay.core.config.RouteConfig;
import dev.relay.core.config.TransportKind;
import dev.relay.core.config.UpstreamDiscovery;
import dev.relay.core.testing.Loopback;
import dev.relay.core.testing.PlainServer;
import dev.relay.core.testing.TestRelay;
import dev.relay.core.testing.TrafficLoop;
import dev.relay.core.upstream.Upstream;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A route whose upstreams are a Kubernetes service's EndpointSlices, against fabric8's mock API server in CRUD
 * mode, reached through a kubeconfig file: slices created and deleted, an endpoint becoming ready, one terminating
 * (draining: no new connections), the API server stopped and started again. The pool follows each change, stays as
 * it was through the outage, and connections flow through it all without one failing.
 */
class KubernetesDiscoveryTest {

    private static final Duration WITHIN = Duration.ofSeconds(20);
    /** The informer reconnects with a growing back-off: after a few seconds' outage it is back within about 10 s. */
    private static final Duration RECONNECT_WITHIN = Duration.ofSeconds(60);

    /** The mock API server logs every request through java.util.logging: held here at WARNING, so CI's output stays short. */
    private static final Logger MOCK_SERVER_LOG = Logger.getLogger("io.fabric8.mockwebserver");

    static {
        MOCK_SERVER_LOG.setLevel(Level.WARNING);
    }

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.relay.core.testing.TestTransports#available")
    void thePoolFollowsTheSlicesAndSurvivesAnApiOutage(TransportKind transport) throws Exception {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        KubernetesCrudDispatcher store = new KubernetesCrudDispatcher();
        KubernetesMockServer api = apiServer(store);
        api.init(loopback, 0);
        int apiPort = api.getPort();
        try (PlainServer one = Loopback.identityServer(new InetSocketAddress(loopback, 0), 1);
             PlainServer two = Loopback.identityServer(new InetSocketAddress(loopback, 0), 2);
             PlainServer three = Loopback.identityServer(new InetSocketAddress(loopback, 0), 3);
             KubernetesClient cluster = api.createClient()) {
            cluster.resource(slice("db-a", port(one), true, false)).inNamespace("prod").create();
            cluster.resource(slice("db-b", port(two), true, false)).inNamespace("prod").create();
            cluster.resource(slice("other", port(three), true, false)).inNamespace("prod").create();

            RouteConfig route = RouteConfig.builder("db").listen(Endpoint.parse("127.0.0.1:0"))
                    .discovery(new UpstreamDiscovery.Kubernetes("db", "prod", "postgres", kubeconfig(apiPort),
                            Duration.ZERO)).build();
            try (TestRelay relay = TestRelay.start(transport, route)) {
                Supplier<Map<Integer, Upstream>> pool = () -> relay.server().routes().get("db").state().pool()
                        .members().stream().collect(Collectors.toMap(
                                u -> ((Endpoint.Inet) u.address()).port(), u -> u));
                await().atMost(WITHIN).until(() -> pool.get().keySet().equals(java.util.Set.of(port(one), port(two))));
                DiscoveryStatus status = relay.server().discovery("db").orElseThrow();

                try (TrafficLoop traffic = new TrafficLoop(relay.address())) {
                    await().atMost(WITHIN).until(() -> traffic.reached(1) > 0 && traffic.reached(2) > 0);

                    // A slice whose endpoint is not ready yet adds nothing; once ready, it takes connections.
                    cluster.resource(slice("db-c", port(three), false, false)).inNamespace("prod").create();
                    int okThen = traffic.ok();
                    await().atMost(WITHIN).until(() -> traffic.ok() > okThen + 20);
                    assertEquals(0, traffic.reached(3), "a slice of another service, or not ready, takes nothing");
                    cluster.resource(slice("db-c", port(three), true, false)).inNamespace("prod").update();
                    await().atMost(WITHIN).until(() -> traffic.reached(3) > 0);

                    // Terminating: kept for its open connections, given no new one.
                    cluster.resource(slice("db-a", port(one), false, true)).inNamespace("prod").update();
                    await().atMost(WITHIN).until(() -> pool.get().get(port(one)).draining());
                    DnsSrvDiscoveryTest.settle(traffic);
                    int toOne = traffic.reached(1);
                    int okDraining = traffic.ok();
                    await().atMost(WITHIN).until(() -> traffic.ok() > okDraining + 20);
                    assertEquals(toOne, traffic.reached(1), "a terminating endpoint gets no new connection");

                    cluster.discovery().v1().endpointSlices().inNamespace("prod").withName("db-b").delete();
                    await().atMost(WITHIN).until(() -> !pool.get().containsKey(port(two)));

                    api.destroy();
                    await().atMost(WITHIN).until(() -> status.state() == DiscoveryStatus.State.STALE);
                    int okOutage = traffic.ok();
                    await().atMost(WITHIN).until(() -> traffic.ok() > okOutage + 20);
                    assertEquals(java.util.Set.of(port(one), port(three)), pool.get().keySet(),
                            "the outage left the pool as it was");

                    KubernetesMockServer back = apiServer(store);
                    back.init(loopback, apiPort);
                    try {
                        await().atMost(RECONNECT_WITHIN).until(() -> status.state() == DiscoveryStatus.State.CURRENT);
                        try (KubernetesClient again = back.createClient()) {
                            again.discovery().v1().endpointSlices().inNamespace("prod").withName("db-a").delete();
                        }
                        await().atMost(WITHIN).until(() -> pool.get().keySet().equals(java.util.Set.of(port(three))));
                        int okAfter = traffic.ok();
                        await().atMost(WITHIN).until(() -> traffic.ok() > okAfter + 20);
                        traffic.close();
                        assertEquals(0, traffic.failed(), () -> "first failure: " + traffic.firstFailure());
                        assertTrue(status.errors() > 0, "the outage was counted");
                    } finally {
                        back.destroy();
                    }
                }
            }
        } finally {
            api.destroy();
        }
    }

    private static KubernetesMockServer apiServer(KubernetesCrudDispatcher store) {
        return new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), store, false);
    }

    /** A slice of service "db" (or, named "other", of another service) with one endpoint on 127.0.0.1. */
    private static EndpointSlice slice(String name, int port, boolean ready, boolean terminating) {
        return new EndpointSliceBuilder()
                .withNewMetadata().withName(name).withNamespace("prod")
                .addToLabels(KubernetesSource.SERVICE_LABEL, name.equals("other") ? "other" : "db").endMetadata()
                .withAddressType("IPv4")
                .addNewPort().withName("postgres").withPort(port).withProtocol("TCP").endPort()
                .addNewEndpoint().withAddresses("127.0.0.1")
                .withNewConditions().withReady(ready).withServing(ready || terminating).withTerminating(terminating)
                .endConditions().endEndpoint()
                .build();
    }

    private Path kubeconfig(int apiPort) throws Exception {
        Path file = dir.resolve("kubeconfig");
        Files.writeString(file, String.join("\n",
                "apiVersion: v1",
                "kind: Config",
                "clusters:",
                "- name: mock",
                "  cluster:",
                "    server: http://127.0.0.1:" + apiPort,
                "users:",
                "- name: relay",
                "  user:",
                "    token: relay-test-token",
                "contexts:",
                "- name: mock",
                "  context: {cluster: mock, user: relay, namespace: prod}",
                "current-context: mock",
                ""));
        return file;
    }

    private static int port(PlainServer server) {
        return ((InetSocketAddress) server.address()).getPort();
    }
}
