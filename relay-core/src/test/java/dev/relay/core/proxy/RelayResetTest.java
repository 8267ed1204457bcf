package dev.relay.core.proxy;

import dev.relay.core.testing.Family;
import dev.relay.core.testing.Loopback;
import dev.relay.core.testing.PlainServer;
import dev.relay.core.testing.TestRelay;
import dev.relay.core.config.TransportKind;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A reset on one side is a reset on the other, not a polite FIN. */
class RelayResetTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.relay.core.testing.TestTransports#available")
    void clientResetResetsTheUpstream(TransportKind transport) throws Exception {
        CompletableFuture<Void> firstByte = new CompletableFuture<>();
        CompletableFuture<Throwable> upstreamSaw = new CompletableFuture<>();
        try (PlainServer upstream = PlainServer.start(Family.IPV4.bindAddress(dir), channel -> {
                 Loopback.readExactly(channel, 1);
                 firstByte.complete(null);
                 try {
                     Loopback.readToEnd(channel, 1024);
                     upstreamSaw.complete(null);
                 } catch (IOException e) {
                     upstreamSaw.complete(e);
                 }
             });
             TestRelay relay = TestRelay.start(transport, Family.IPV4.relayListen(dir), Loopback.endpoint(upstream.address()))) {

            SocketChannel client = Loopback.connect(relay.address());
            Loopback.writeFully(client, new byte[] {1});
            firstByte.get(10, TimeUnit.SECONDS);
            Loopback.reset(client);

            Throwable seen = upstreamSaw.get(10, TimeUnit.SECONDS);
            assertInstanceOf(IOException.class, seen, "the upstream should see a reset, not a clean EOF");
            assertTrue(seen.getMessage().toLowerCase().contains("reset"), seen.getMessage());
            ConnectionSummary summary = relay.awaitClosed(1, Duration.ofSeconds(10));
            assertEquals(CloseReason.RESET, summary.reason());
            assertTrue(summary.detail().startsWith("client:"), summary.detail());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.relay.core.testing.TestTransports#available")
    void upstreamResetResetsTheClient(TransportKind transport) throws Exception {
        try (PlainServer upstream = PlainServer.start(Family.IPV4.bindAddress(dir), channel -> {
                 Loopback.readExactly(channel, 1);
                 Loopback.reset(channel);
             });
             TestRelay relay = TestRelay.start(transport, Family.IPV4.relayListen(dir), Loopback.endpoint(upstream.address()));
             SocketChannel client = Loopback.connect(relay.address())) {

            Loopback.writeFully(client, new byte[] {1});
            IOException seen = assertThrows(IOException.class, () -> {
                while (client.read(ByteBuffer.allocate(1024)) >= 0) {
                    // a clean EOF would end the loop and fail the assertion
                }
            });
            assertTrue(seen.getMessage().toLowerCase().contains("reset"), seen.getMessage());
            ConnectionSummary summary = relay.awaitClosed(1, Duration.ofSeconds(10));
            assertEquals(CloseReason.RESET, summary.reason());
            assertTrue(summary.detail().startsWith("upstream:"), summary.detail());
        }
    }
}
