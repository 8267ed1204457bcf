package dev.relay.core.server;

import dev.relay.core.base.RelayStartException;
import dev.relay.core.config.Endpoint;
import dev.relay.core.testing.Loopback;
import dev.relay.core.testing.TestRelay;
import dev.relay.core.config.TransportKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A Unix listen path is taken only when nothing else is there: no file deleted, no live socket taken over. */
class UnixListenPathTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @MethodSource("dev.relay.core.testing.TestTransports#available")
    void aFileThatIsNotASocketIsLeftAloneAndNamed(TransportKind transport) throws Exception {
        Path file = Files.writeString(dir.resolve("notes.txt"), "keep me");
        Endpoint listen = Endpoint.parse("unix:" + file);

        RelayStartException e = assertThrows(RelayStartException.class,
                () -> TestRelay.start(transport, listen, Endpoint.parse("127.0.0.1:7792")).close());

        assertEquals("cannot listen on " + listen + ": the path exists and is not a socket", e.getMessage());
        assertEquals("keep me", Files.readString(file));
    }

    @ParameterizedTest
    @MethodSource("dev.relay.core.testing.TestTransports#available")
    void aSocketAnotherProcessListensOnIsNotTakenOver(TransportKind transport) throws Exception {
        Path path = dir.resolve("busy.sock");
        try (ServerSocketChannel other = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            other.bind(UnixDomainSocketAddress.of(path));
            Endpoint listen = Endpoint.parse("unix:" + path);

            RelayStartException e = assertThrows(RelayStartException.class,
                    () -> TestRelay.start(transport, listen, Endpoint.parse("127.0.0.1:7792")).close());

            assertEquals("cannot listen on " + listen + ": another process is listening there", e.getMessage());
            try (SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
                assertTrue(client.isConnected(), "the other process still has its socket");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("dev.relay.core.testing.TestTransports#available")
    void aSocketFileNothingListensOnIsReplaced(TransportKind transport) throws Exception {
        Path path = dir.resolve("stale.sock");
        try (ServerSocketChannel killed = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            killed.bind(UnixDomainSocketAddress.of(path)); // closing leaves the file, as a killed process does
        }
        assertTrue(Files.exists(path));

        try (TestRelay relay = TestRelay.start(transport, Endpoint.parse("unix:" + path), Endpoint.parse("127.0.0.1:7792"));
             SocketChannel client = Loopback.connect(relay.address())) {
            assertTrue(client.isConnected());
        }
    }

    @Test
    void aTcpAddressOrAFreePathNeedsNothing() {
        Path free = dir.resolve("free.sock");
        assertDoesNotThrow(() -> UnixListenPath.claim(Endpoint.parse("127.0.0.1:0")));
        assertDoesNotThrow(() -> UnixListenPath.claim(Endpoint.parse("unix:" + free)));
        assertFalse(Files.exists(free));
    }
}
