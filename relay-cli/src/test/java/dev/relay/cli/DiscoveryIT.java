package dev.relay.cli;

import dev.relay.core.testing.Loopback;
import dev.relay.core.testing.PlainServer;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Discovery through the fat jar, against real servers: dnsmasq serving SRV records (changed by restarting it, an
 * outage the relay rides out), and a Kubernetes API server reached the way a pod reaches it — the service
 * account's token and CA, found through {@code KUBERNETES_SERVICE_HOST} — with no kubeconfig at all.
 */
class DiscoveryIT {

    /** The mock API server logs every request through java.util.logging: held at WARNING. */
    private static final Logger MOCK_SERVER_LOG = Logger.getLogger("io.fabric8.mockwebserver");

    static {
        MOCK_SERVER_LOG.setLevel(Level.WARNING);
    }

    @RegisterExtension
    final StartedProcesses started = new StartedProcesses();

    @Test
    void srvRecordsFromDnsmasqAreFollowedThroughARestartOfIt() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/sbin/dnsmasq")), "dnsmasq is installed by .ci/run");
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (PlainServer one = Loopback.identityServer(new InetSocketAddress(loopback, 0), 1);
             PlainServer two = Loopback.identityServer(new InetSocketAddress(loopback, 0), 2)) {
            int dnsPort = RelayJar.freeUdpAndTcpPort();
            Process dns = dnsmasq(dnsPort, "one.relay.test", port(one));
            int admin = RelayJar.freeTcpPort();
            int listen = RelayJar.freeTcpPort();
            Path config = Files.createTempFile("relay", ".yaml");
            Files.writeString(config, """
                    dns: {servers: ["127.0.0.1:%d"], min_ttl: 1s, max_ttl: 2s}
                    admin: {listen: 127.0.0.1:%d}
                    routes:
                      - name: echo
                        listen: 127.0.0.1:%d
                        upstreams: {dns_srv: _echo._tcp.relay.test}
                    """.formatted(dnsPort, admin, listen));
            Path log = Files.createTempFile("relay", ".log");
            Process relay = started.add(new ProcessBuilder(RelayJar.command("run", "--config", config.toString()))
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start());
            await().atMost(Duration.ofSeconds(30)).until(() -> status(admin, "/api/health") == 200);
            assertEquals(1, greeting(listen));

            dns.destroy();
            assertTrue(dns.waitFor(10, TimeUnit.SECONDS));
            await().atMost(Duration.ofSeconds(20)).until(() -> Files.readString(log).contains("keeping the last pool"));
            assertEquals(1, greeting(listen), "the DNS server is gone, the pool is not");

            dnsmasq(dnsPort, "two.relay.test", port(two));
            await().atMost(Duration.ofSeconds(30)).until(() -> greeting(listen) == 2);
            String lines = Files.readString(log);
            assertTrue(lines.contains("answering again"), lines);
            assertTrue(lines.matches("(?s).*upstreams from dns_srv _echo\\._tcp\\.relay\\.test: 1 serving, 0 draining; "
                    + "added \\[127\\.0\\.0\\.1:" + port(two) + "] removed \\[127\\.0\\.0\\.1:" + port(one) + "].*"), lines);
            relay.destroy();
            assertTrue(relay.waitFor(20, TimeUnit.SECONDS));
            assertEquals(0, relay.exitValue(), Files.readString(log));
        }
    }

    @Test
    void inAPodTheServiceAccountsTokenAndCaReachTheApiServer() throws Exception {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        KubernetesMockServer api = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), true);
        api.init(loopback, 0);
        try (PlainServer upstream = Loopback.identityServer(new InetSocketAddress(loopback, 0), 7);
             KubernetesClient cluster = api.createClient()) {
            cluster.resource(new EndpointSliceBuilder()
                    .withNewMetadata().withName("db-1").withNamespace("prod")
                    .addToLabels("kubernetes.io/service-name", "db").endMetadata()
                    .withAddressType("IPv4")
                    .addNewPort().withName("postgres").withPort(port(upstream)).endPort()
                    .addNewEndpoint().withAddresses("127.0.0.1").withNewConditions().withReady(true).endConditions()
                    .endEndpoint().build()).inNamespace("prod").create();

            Path secrets = Files.createTempDirectory("serviceaccount");
            Path token = Files.writeString(secrets.resolve("token"), "relay-pod-token");
            Path ca = secrets.resolve("ca.crt");
            Files.copy(Path.of(api.getSelfSignedCertificate().certificatePath()), ca);
            int listen = RelayJar.freeTcpPort();
            Path config = Files.createTempFile("relay", ".yaml");
            Files.writeString(config, """
                    routes:
                      - name: db
                        listen: 127.0.0.1:%d
                        upstreams: {kubernetes: {service: db, namespace: prod, port: postgres}}
                    """.formatted(listen));
            ProcessBuilder pod = new ProcessBuilder(RelayJar.command("run", "--config", config.toString()));
            Map<String, String> env = pod.environment();
            // What the kubelet gives a pod; the token and CA paths stand for /var/run/secrets/kubernetes.io/...
            env.put("KUBERNETES_SERVICE_HOST", "127.0.0.1");
            env.put("KUBERNETES_SERVICE_PORT", Integer.toString(api.getPort()));
            env.put("KUBERNETES_AUTH_SERVICEACCOUNT_TOKEN", token.toString());
            env.put("KUBERNETES_CERTS_CA_FILE", ca.toString());
            env.put("KUBERNETES_AUTH_TRYKUBECONFIG", "false");
            env.put("HOME", secrets.toString());
            env.remove("KUBECONFIG");
            Path log = Files.createTempFile("relay", ".log");
            Process relay = started.add(pod.redirectErrorStream(true).redirectOutput(log.toFile()).start());
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.readString(log).contains("1 serving"));
            assertEquals(7, greeting(listen));
            assertEquals("Bearer relay-pod-token", api.getLastRequest().getHeader("Authorization"),
                    "the service account's token was sent");
            relay.destroy();
            assertTrue(relay.waitFor(20, TimeUnit.SECONDS));
            assertEquals(0, relay.exitValue(), Files.readString(log));
        } finally {
            api.destroy();
        }
    }

    /** dnsmasq answering _echo._tcp.relay.test with one target, and every relay.test name with 127.0.0.1. */
    private Process dnsmasq(int port, String target, int targetPort) throws IOException {
        Path log = Files.createTempFile("dnsmasq", ".log");
        return started.add(new ProcessBuilder("/usr/sbin/dnsmasq", "--no-daemon", "--conf-file=/dev/null",
                "--no-resolv", "--no-hosts", "--bind-interfaces", "--listen-address=127.0.0.1", "--port=" + port,
                "--pid-file=", "--user=" + System.getProperty("user.name"), "--address=/relay.test/127.0.0.1",
                "--srv-host=_echo._tcp.relay.test," + target + "," + targetPort + ",10,1")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start());
    }

    private static int greeting(int port) throws IOException {
        try (SocketChannel client = SocketChannel.open(new InetSocketAddress("127.0.0.1", port))) {
            return Loopback.greeting(client);
        }
    }

    private static int status(int port, String path) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException | InterruptedException e) {
            return -1;
        }
    }

    private static int port(PlainServer server) {
        return ((InetSocketAddress) server.address()).getPort();
    }
}
