package dev.relay.core.capture;

import dev.relay.core.config.CaptureConfig;
import dev.relay.core.config.Endpoint;
import dev.relay.core.config.RouteConfig;
import dev.relay.core.testing.Loopback;
import dev.relay.core.testing.PlainServer;
import dev.relay.core.testing.TestRelay;
import dev.relay.core.config.TransportKind;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A route's capture file, read back with tshark: the bytes sent are in it, and it stops whole at its limit. */
class CaptureTest {

    private static final Path TSHARK = Path.of("/usr/bin/tshark");

    @TempDir
    Path dir;

    @BeforeAll
    static void tsharkIsHere() {
        Assumptions.assumeTrue(Files.isExecutable(TSHARK), "tshark is not installed (.ci/run installs it)");
    }

    private TestRelay relay(TransportKind transport, PlainServer upstream, CaptureConfig capture) {
        return TestRelay.start(transport, RouteConfig.builder("r").listen(Endpoint.parse("127.0.0.1:0"))
                .upstream(Loopback.endpoint(upstream.address())).capture(capture).build());
    }

    private static PlainServer echo() throws IOException {
        return Loopback.identityServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 7);
    }

    /** Every TCP payload in the file, in hex, in order; fails when tshark finds the file damaged. */
    private String payloads(Path pcap) throws Exception {
        Path errors = dir.resolve("tshark.err");
        Process tshark = new ProcessBuilder(TSHARK.toString(), "-r", pcap.toString(), "-T", "fields", "-e", "tcp.payload")
                .redirectError(errors.toFile()).start();
        String out = new String(tshark.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertTrue(tshark.waitFor(60, TimeUnit.SECONDS), "tshark finished");
        String complaints = Files.readString(errors);
        assertEquals(0, tshark.exitValue(), complaints);
        assertTrue(!complaints.contains("cut short") && !complaints.contains("appears to be damaged"), complaints);
        return out.replace(":", "").replace("\n", "");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.relay.core.testing.TestTransports#available")
    void theRelayedBytesAreInTheCaptureBothWays(TransportKind transport) throws Exception {
        Path pcap = dir.resolve("r.pcap");
        byte[] message = "hello through the capture".getBytes(StandardCharsets.US_ASCII);
        try (PlainServer upstream = echo();
             TestRelay relay = relay(transport, upstream, new CaptureConfig(pcap, 1 << 20, true))) {
            try (SocketChannel client = Loopback.connect(relay.address())) {
                assertEquals(7, Loopback.greeting(client));
                Loopback.writeFully(client, message);
                assertEquals(new String(message, StandardCharsets.US_ASCII),
                        new String(Loopback.readExactly(client, message.length), StandardCharsets.US_ASCII));
            }
            relay.awaitClosed(1, Duration.ofSeconds(10));
        }
        String hex = payloads(pcap);
        assertTrue(hex.contains(HexFormat.of().formatHex(message)), "the message, both ways: " + hex);
        assertTrue(hex.startsWith("07"), "the upstream's greeting first");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.relay.core.testing.TestTransports#available")
    void theFileStopsAtItsLimitAndStaysReadable(TransportKind transport) throws Exception {
        Path pcap = dir.resolve("small.pcap");
        long limit = 4096;
        try (PlainServer upstream = echo();
             TestRelay relay = relay(transport, upstream, new CaptureConfig(pcap, limit, true))) {
            for (int i = 0; i < 20; i++) {
                try (SocketChannel client = Loopback.connect(relay.address())) {
                    assertEquals(7, Loopback.greeting(client));
                    byte[] chunk = Loopback.randomBytes(1000, i);
                    Loopback.writeFully(client, chunk);
                    Loopback.readExactly(client, chunk.length);
                }
            }
            relay.awaitClosed(20, Duration.ofSeconds(10));
        }
        assertTrue(Files.size(pcap) <= limit, "at most the limit: " + Files.size(pcap));
        assertTrue(Files.size(pcap) > limit / 2, "and filled up to near it: " + Files.size(pcap));
        payloads(pcap); // tshark reads it to the end without complaint
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.relay.core.testing.TestTransports#available")
    void switchedOffNothingMoreIsWritten(TransportKind transport) throws Exception {
        Path pcap = dir.resolve("off.pcap");
        try (PlainServer upstream = echo();
             TestRelay relay = relay(transport, upstream, new CaptureConfig(pcap, 1 << 20, true))) {
            PcapCapture capture = relay.server().routes().get("r").capture();
            capture.enabled(false);
            long before = capture.bytesWritten();
            try (SocketChannel client = Loopback.connect(relay.address())) {
                assertEquals(7, Loopback.greeting(client));
            }
            relay.awaitClosed(1, Duration.ofSeconds(10));
            assertEquals(before, capture.bytesWritten());
        }
        assertEquals("", payloads(pcap), "a valid file with no packet");
    }
}
