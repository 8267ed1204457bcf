package dev.relay.core.tls;

import dev.relay.core.config.Endpoint;
import dev.relay.core.config.RouteConfig;
import dev.relay.core.config.ServerConfig;
import dev.relay.core.config.TlsConfig;
import dev.relay.core.testing.Loopback;
import dev.relay.core.testing.PlainServer;
import dev.relay.core.testing.TestCertificates;
import dev.relay.core.testing.TestRelay;
import dev.relay.core.config.TransportKind;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * TLS termination with certificates made by openssl at test time (never committed): the certificate is chosen by
 * SNI, the JDK's client and openssl s_client both get through, TLS 1.2 and 1.3.
 */
class TlsTerminationTest {

    private static final Path OPENSSL = Path.of("/usr/bin/openssl");

    @TempDir
    Path dir;

    private Path[] certificate(String name) throws Exception {
        return TestCertificates.make(dir, name);
    }

    private TestRelay relay(TransportKind transport, PlainServer upstream, Path[] first, Path[] second) {
        return TestRelay.start(transport, RouteConfig.builder("secure").listen(Endpoint.parse("127.0.0.1:0"))
                .upstream(Loopback.endpoint(upstream.address()))
                .tls(new TlsConfig(List.of(new TlsConfig.Certificate(first[0], first[1]),
                        new TlsConfig.Certificate(second[0], second[1]))))
                .build());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.relay.core.testing.TestTransports#available")
    void theJdkClientGetsTheCertificateItsNameAsksForAndItsBytesGoThrough(TransportKind transport) throws Exception {
        Path[] a = certificate("a.relay.test");
        Path[] b = certificate("b.relay.test");
        try (PlainServer upstream = Loopback.identityServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 7);
             TestRelay relay = relay(transport, upstream, a, b)) {
            for (String name : List.of("a.relay.test", "b.relay.test")) {
                InetSocketAddress address = (InetSocketAddress) relay.address();
                try (SSLSocket socket = (SSLSocket) TestCertificates.trusting(a[0], b[0]).getSocketFactory()
                        .createSocket("127.0.0.1", address.getPort())) {
                    SSLParameters parameters = socket.getSSLParameters();
                    parameters.setServerNames(List.of(new SNIHostName(name)));
                    socket.setSSLParameters(parameters);
                    socket.startHandshake();
                    X509Certificate served = (X509Certificate) socket.getSession().getPeerCertificates()[0];
                    assertEquals("CN=" + name, served.getSubjectX500Principal().getName());
                    InputStream in = socket.getInputStream();
                    OutputStream out = socket.getOutputStream();
                    assertEquals(7, in.read(), "the upstream's greeting, decrypted and re-encrypted by relay");
                    out.write("hello".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    assertEquals("hello", new String(in.readNBytes(5), StandardCharsets.US_ASCII));
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.relay.core.testing.TestTransports#available")
    void renewedCertificateFilesAreServedToNewConnectionsWhileOpenOnesGoOn(TransportKind transport) throws Exception {
        Path[] a = certificate("a.relay.test");
        try (PlainServer upstream = Loopback.identityServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 7);
             TestRelay relay = TestRelay.start(ServerConfig.of(RouteConfig.builder("secure")
                             .listen(Endpoint.parse("127.0.0.1:0")).upstream(Loopback.endpoint(upstream.address()))
                             .tls(new TlsConfig(List.of(new TlsConfig.Certificate(a[0], a[1])))).build())
                     .with(transport, 2, Duration.ofSeconds(2))
                     .withCertificateCheckInterval(Duration.ofMillis(100)))) {
            int port = ((InetSocketAddress) relay.address()).getPort();
            X509Certificate before = readCertificate(a[0]);
            try (SSLSocket open = (SSLSocket) TestCertificates.trusting(a[0]).getSocketFactory().createSocket("127.0.0.1", port)) {
                assertEquals(before, open.getSession().getPeerCertificates()[0]);
                assertEquals(7, open.getInputStream().read());

                certificate("a.relay.test"); // renewed in place: the same paths, a new key and serial
                X509Certificate after = readCertificate(a[0]);
                await().atMost(Duration.ofSeconds(10)).until(() -> after.equals(servedOn(port, TestCertificates.trusting(a[0]))));

                open.getOutputStream().write("still here".getBytes(StandardCharsets.US_ASCII));
                assertEquals("still here", new String(open.getInputStream().readNBytes(10), StandardCharsets.US_ASCII),
                        "a connection opened before the renewal keeps its TLS");
            }
        }
    }

    private static X509Certificate readCertificate(Path file) throws Exception {
        try (InputStream in = Files.newInputStream(file)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    /** The certificate a new connection is served, or null when the handshake fails (the old one, not trusted). */
    private static Object servedOn(int port, SSLContext trust) {
        try (SSLSocket socket = (SSLSocket) trust.getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.startHandshake();
            return socket.getSession().getPeerCertificates()[0];
        } catch (java.io.IOException untrusted) {
            return null;
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"-tls1_2", "-tls1_3"})
    void opensslSClientConnectsWithTls12And13(String version) throws Exception {
        Path[] a = certificate("a.relay.test");
        Path[] b = certificate("b.relay.test");
        try (PlainServer upstream = Loopback.identityServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 7);
             TestRelay relay = relay(TransportKind.NIO, upstream, a, b)) {
            int port = ((InetSocketAddress) relay.address()).getPort();
            Path out = dir.resolve("s_client.out");
            Process client = new ProcessBuilder(OPENSSL.toString(), "s_client", "-connect", "127.0.0.1:" + port,
                    "-servername", "b.relay.test", version, "-brief")
                    .redirectErrorStream(true).redirectOutput(out.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            assertTrue(client.waitFor(30, TimeUnit.SECONDS));
            String report = Files.readString(out);
            assertTrue(report.contains("Protocol version: " + (version.equals("-tls1_2") ? "TLSv1.2" : "TLSv1.3")),
                    report);
            assertTrue(report.contains("CN = b.relay.test"), "the SNI-chosen certificate: " + report);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"-tls1_2", "-tls1_3"})
    void anUpstreamThatClosesEndsTheClientsTlsWithCloseNotify(String version) throws Exception {
        Path[] a = certificate("a.relay.test");
        Path[] b = certificate("b.relay.test");
        try (PlainServer upstream = PlainServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                channel -> Loopback.writeFully(channel, "bye\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
             TestRelay relay = relay(TransportKind.NIO, upstream, a, b)) {
            int port = ((InetSocketAddress) relay.address()).getPort();
            Path out = dir.resolve("s_client.out");
            // -ign_eof: read until the relay ends the stream, then say how it ended.
            Process client = new ProcessBuilder(OPENSSL.toString(), "s_client", "-connect", "127.0.0.1:" + port,
                    "-servername", "a.relay.test", version, "-brief", "-ign_eof")
                    .redirectErrorStream(true).redirectOutput(out.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            assertTrue(client.waitFor(30, TimeUnit.SECONDS));
            String report = Files.readString(out);
            assertTrue(report.contains("bye"), report);
            assertFalse(report.toLowerCase().contains("unexpected eof"), "a FIN without close_notify: " + report);
            assertEquals(0, client.exitValue(), report);
        }
    }
}
