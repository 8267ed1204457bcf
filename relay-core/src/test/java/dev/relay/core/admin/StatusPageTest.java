package dev.relay.core.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.relay.core.config.AdminConfig;
import dev.relay.core.config.Endpoint;
import dev.relay.core.config.RouteConfig;
import dev.relay.core.config.ServerConfig;
import dev.relay.core.testing.AdminClient;
import dev.relay.core.testing.Loopback;
import dev.relay.core.testing.PlainServer;
import dev.relay.core.testing.TestRelay;
import dev.relay.core.config.TransportKind;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The status page in a real browser: headless Chromium loads it while connections are open, and the numbers it
 * shows match the API's. A screenshot is left in target/status-page.png.
 */
class StatusPageTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final int OPEN = 3;
    /** Virtual time the page may run for: its first fetch and a refresh or two. */
    private static final String BUDGET_MS = "5000";

    @TempDir
    Path dir;

    @ParameterizedTest(name = "token: {0}")
    @ValueSource(booleans = {false, true})
    void thePageShowsWhatTheApiSays(boolean withToken) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM), "chromium is not installed (.ci/run installs it)");
        // With a token, the page is opened as README says: /#token=..., which the browser never sends.
        Path tokenFile = withToken ? Files.writeString(dir.resolve("token"), "page-token\n") : null;
        String fragment = withToken ? "#token=page-token" : "";
        try (PlainServer upstream = Loopback.identityServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 7);
             java.net.DatagramSocket udpUpstream = new java.net.DatagramSocket(0, InetAddress.getLoopbackAddress());
             TestRelay relay = TestRelay.start(ServerConfig.of(RouteConfig.builder("web")
                             .listen(Endpoint.parse("127.0.0.1:0")).upstream(Loopback.endpoint(upstream.address())).build(),
                             RouteConfig.builder("dns").protocol(dev.relay.core.config.Protocol.UDP)
                                     .listen(Endpoint.parse("127.0.0.1:0"))
                                     .upstream(Endpoint.parse("127.0.0.1:" + udpUpstream.getLocalPort())).build())
                     .with(TransportKind.NIO, 2, Duration.ofSeconds(2))
                     .withAdmin(new AdminConfig(Endpoint.parse("127.0.0.1:0"), tokenFile)))) {
            List<SocketChannel> clients = new ArrayList<>();
            try {
                for (int i = 0; i < OPEN; i++) {
                    SocketChannel client = Loopback.connect(relay.address());
                    clients.add(client);
                    assertEquals(7, Loopback.greeting(client));
                    Loopback.writeFully(client, Loopback.randomBytes(1000, i));
                    Loopback.readExactly(client, 1000);
                }
                AdminClient admin = withToken ? new AdminClient(relay.server().adminAddress(), "page-token")
                        : new AdminClient(relay.server().adminAddress());
                try (java.net.DatagramSocket udpClient = new java.net.DatagramSocket(0, InetAddress.getLoopbackAddress())) {
                    byte[] query = "query".getBytes(StandardCharsets.UTF_8);
                    udpClient.send(new java.net.DatagramPacket(query, query.length,
                            (InetSocketAddress) relay.server().localAddresses("dns").get(0)));
                    udpUpstream.setSoTimeout(5_000);
                    udpUpstream.receive(new java.net.DatagramPacket(new byte[64], 64));
                }
                JsonNode web = new ObjectMapper().readTree(admin.get("/api/routes").body()).get("routes").get(0);

                String dom = chromium("--dump-dom", admin.base() + "/" + fragment);
                assertEquals(String.valueOf(OPEN), field(dom, "open"));
                assertEquals(web.get("counters").get("connections_accepted").asText(), field(dom, "accepted"));
                assertEquals("2.9 KiB", field(dom, "bytes_up"), "3,000 bytes sent");
                assertEquals("2.9 KiB", field(dom, "bytes_down"), "and as many echoed");
                assertTrue(dom.contains("class=\"dot up\""), "the upstream shows as up");
                assertEquals("1", field(dom, "dns", "accepted"), "a UDP route shows its sessions");
                assertEquals("1 / 0", field(dom, "dns", "datagrams"));

                Path shot = Path.of("target", "status-page.png").toAbsolutePath();
                Files.deleteIfExists(shot);
                chromium("--screenshot=" + shot, "--window-size=1280,800", admin.base() + "/" + fragment);
                assertTrue(Files.size(shot) > 10_000, "a screenshot of the page");
            } finally {
                for (SocketChannel client : clients) {
                    client.close();
                }
            }
        }
    }

    private static String field(String dom, String name) {
        return field(dom, "web", name);
    }

    private static String field(String dom, String route, String name) {
        Matcher m = Pattern.compile("data-route=\"" + route + "\" data-field=\"" + name + "\">([^<]*)<").matcher(dom);
        assertTrue(m.find(), "the page shows " + name);
        return m.group(1);
    }

    private String chromium(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--hide-scrollbars", "--user-data-dir=" + dir.resolve("profile"), "--virtual-time-budget=" + BUDGET_MS));
        command.addAll(List.of(args));
        Path out = dir.resolve("chromium.out");
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile())
                .redirectError(dir.resolve("chromium.err").toFile()).start();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "chromium finished");
        return Files.readString(out, StandardCharsets.UTF_8);
    }
}
