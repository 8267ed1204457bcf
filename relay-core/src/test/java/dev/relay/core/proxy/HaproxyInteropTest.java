package dev.relay.core.proxy;

import dev.relay.core.config.Endpoint;
import dev.relay.core.config.ProxyProtocolConfig;
import dev.relay.core.config.RouteConfig;
import dev.relay.core.config.SendProxy;
import dev.relay.core.testing.Loopback;
import dev.relay.core.testing.PlainServer;
import dev.relay.core.testing.TestRelay;
import dev.relay.core.config.TransportKind;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The PROXY protocol against a real HAProxy on loopback (installed by .ci/run): HAProxy's send-proxy and
 * send-proxy-v2 into relay, and relay's v1 and v2 into HAProxy's accept-proxy, which logs the client it was told.
 */
class HaproxyInteropTest {

    private static final Path HAPROXY = Path.of("/usr/sbin/haproxy");
    private static final Duration WAIT = Duration.ofSeconds(15);

    @TempDir
    Path dir;
    private Process haproxy;
    private Path haproxyLog;

    @BeforeEach
    void haproxyIsHere() {
        Assumptions.assumeTrue(Files.isExecutable(HAPROXY), "haproxy is not installed (.ci/run installs it)");
    }

    @AfterEach
    void stopHaproxy() throws InterruptedException {
        if (haproxy != null) {
            haproxy.destroyForcibly();
            haproxy.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress("127.0.0.1", 0));
            return probe.getLocalPort();
        }
    }

    /** Starts HAProxy with one TCP frontend on {@code port}; it logs "client=IP:PORT" for each connection. */
    private void startHaproxy(int port, String bindOptions, String server) throws Exception {
        Path config = dir.resolve("haproxy.cfg");
        Files.writeString(config, String.join("\n",
                "global",
                "  log stdout format raw local0",
                "defaults",
                "  mode tcp",
                "  log global",
                "  timeout connect 5s",
                "  timeout client 30s",
                "  timeout server 30s",
                "frontend in",
                "  bind 127.0.0.1:" + port + " " + bindOptions,
                "  log-format \"client=%ci:%cp\"",
                "  default_backend out",
                "backend out",
                "  server s " + server,
                ""));
        haproxyLog = dir.resolve("haproxy.log");
        haproxy = new ProcessBuilder(HAPROXY.toString(), "-db", "-f", config.toString())
                .redirectErrorStream(true).redirectOutput(haproxyLog.toFile()).start();
        await().atMost(WAIT).ignoreExceptions().until(() -> {
            try (SocketChannel probe = SocketChannel.open(new InetSocketAddress("127.0.0.1", port))) {
                return true;
            }
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"send-proxy", "send-proxy-v2"})
    void relayAcceptsHaproxysHeader(String sendProxy) throws Exception {
        try (PlainServer upstream = Loopback.identityServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 7);
             TestRelay relay = TestRelay.start(TransportKind.NIO, RouteConfig.builder("r")
                     .listen(Endpoint.parse("127.0.0.1:0")).upstream(Loopback.endpoint(upstream.address()))
                     .proxyProtocol(new ProxyProtocolConfig(true, List.of(), Duration.ofSeconds(3))).build())) {
            int front = freePort();
            startHaproxy(front, "", "127.0.0.1:" + ((InetSocketAddress) relay.address()).getPort() + " " + sendProxy);
            int clientPort;
            try (SocketChannel client = SocketChannel.open(new InetSocketAddress("127.0.0.1", front))) {
                clientPort = ((InetSocketAddress) client.getLocalAddress()).getPort();
                assertEquals(7, Loopback.greeting(client));
            }
            // HAProxy's own socket to relay has another port; the startup probe is another connection, so look
            // for this client among those relay saw.
            int port = clientPort;
            await().atMost(WAIT).until(() -> relay.closed().stream()
                    .anyMatch(c -> ((InetSocketAddress) c.client()).getPort() == port));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"V1", "V2"})
    void haproxyAcceptsRelaysHeader(String version) throws Exception {
        try (PlainServer upstream = Loopback.identityServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 7)) {
            int front = freePort();
            startHaproxy(front, "accept-proxy", "127.0.0.1:" + ((InetSocketAddress) upstream.address()).getPort());
            try (TestRelay relay = TestRelay.start(TransportKind.NIO, RouteConfig.builder("r")
                    .listen(Endpoint.parse("127.0.0.1:0")).upstream(Endpoint.parse("127.0.0.1:" + front))
                    .sendProxy(SendProxy.valueOf(version)).build())) {
                int clientPort;
                try (SocketChannel client = Loopback.connect(relay.address())) {
                    clientPort = ((InetSocketAddress) client.getLocalAddress()).getPort();
                    assertEquals(7, Loopback.greeting(client));
                }
                String expected = "client=127.0.0.1:" + clientPort;
                await().atMost(WAIT).until(() -> Files.readString(haproxyLog).contains(expected));
            }
        }
    }
}
