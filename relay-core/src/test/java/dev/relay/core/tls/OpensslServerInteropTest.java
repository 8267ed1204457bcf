package dev.relay.core.tls;

import dev.relay.core.config.Endpoint;
import dev.relay.core.config.RouteConfig;
import dev.relay.core.config.UpstreamTlsConfig;
import dev.relay.core.testing.Loopback;
import dev.relay.core.testing.TestCertificates;
import dev.relay.core.testing.TestRelay;
import dev.relay.core.config.TransportKind;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * TLS origination against OpenSSL's own server, {@code openssl s_server -www} on loopback: relay verifies it by
 * CA file and name, and presents a client certificate where the server demands one (mutual TLS); without the
 * certificate, the server refuses and the client's connection ends with nothing relayed.
 */
class OpensslServerInteropTest {

    private static final Path OPENSSL = Path.of("/usr/bin/openssl");

    @TempDir
    Path dir;

    private final List<Process> servers = new ArrayList<>();

    @AfterEach
    void stopServers() throws InterruptedException {
        for (Process server : servers) {
            server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** openssl s_server on a free loopback port; with {@code clientCa}, it demands a client certificate. */
    private Endpoint sServer(Path[] cert, Path clientCa) throws Exception {
        Endpoint address = Loopback.freeEndpoint();
        List<String> command = new ArrayList<>(List.of(OPENSSL.toString(), "s_server", "-accept",
                address.toString(), "-cert", cert[0].toString(), "-key", cert[1].toString(), "-www", "-naccept", "1"));
        if (clientCa != null) {
            command.addAll(List.of("-Verify", "1", "-CAfile", clientCa.toString()));
        }
        Path log = dir.resolve("s_server-" + servers.size() + ".log");
        servers.add(new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.PIPE).start());
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.readString(log).contains("ACCEPT"));
        return address;
    }

    private static String get(TestRelay relay) {
        try (SocketChannel client = Loopback.connect(relay.address())) {
            Loopback.writeFully(client, "GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            return new String(Loopback.readToEnd(client, 1 << 20), StandardCharsets.US_ASCII);
        } catch (IOException reset) {
            return "";
        }
    }

    private static TestRelay relayTo(TransportKind transport, Endpoint upstream, UpstreamTlsConfig tls) {
        return TestRelay.start(transport, RouteConfig.builder("to-openssl").listen(Endpoint.parse("127.0.0.1:0"))
                .upstream(upstream).upstreamTls(tls).connectRetries(0).build());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.relay.core.testing.TestTransports#available")
    void relayVerifiesOpensslsServerAndRelaysItsReply(TransportKind transport) throws Exception {
        Path[] server = TestCertificates.make(dir, "upstream.relay.test");
        Endpoint upstream = sServer(server, null);
        try (TestRelay relay = relayTo(transport, upstream,
                new UpstreamTlsConfig(true, server[0], "upstream.relay.test", null, null, false))) {
            String reply = get(relay);
            assertTrue(reply.startsWith("HTTP/1.0 200 ok"), reply);
            assertTrue(reply.contains("TLSv1.3"), "s_server reports the protocol it negotiated: " + reply);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.relay.core.testing.TestTransports#available")
    void mutualTlsPresentsTheClientCertificateAndFailsWithoutIt(TransportKind transport) throws Exception {
        Path[] server = TestCertificates.make(dir, "upstream.relay.test");
        Path[] client = TestCertificates.make(dir, "client.relay.test");

        Endpoint demanding = sServer(server, client[0]);
        try (TestRelay relay = relayTo(transport, demanding,
                new UpstreamTlsConfig(true, server[0], "upstream.relay.test", client[0], client[1], false))) {
            String reply = get(relay);
            assertTrue(reply.startsWith("HTTP/1.0 200 ok"), reply);
            assertTrue(reply.contains("client.relay.test"), "s_server saw relay's client certificate: " + reply);
        }

        Endpoint stillDemanding = sServer(server, client[0]);
        try (TestRelay relay = relayTo(transport, stillDemanding,
                new UpstreamTlsConfig(true, server[0], "upstream.relay.test", null, null, false))) {
            assertFalse(get(relay).contains("200 ok"), "no client certificate, no reply");
        }
    }
}
