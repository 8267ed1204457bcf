package dev.relay.core.transport;

import dev.relay.core.config.TransportKind;
import dev.relay.core.config.ConfigException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TransportsTest {

    @Test
    void namesParseLeniently() {
        assertEquals(TransportKind.IO_URING, TransportKind.parse("io-uring"));
        assertEquals(TransportKind.IO_URING, TransportKind.parse("iouring"));
        assertEquals(TransportKind.EPOLL, TransportKind.parse(" EPOLL "));
        ConfigException e = assertThrows(ConfigException.class, () -> TransportKind.parse("kqueue"));
        assertEquals("\"kqueue\" is not a transport (expected: auto, epoll, io_uring, nio)", e.getMessage());
    }

    @Test
    void autoPicksAConcreteTransportAndNioIsAlwaysThere() {
        assertNotEquals(TransportKind.AUTO, Transports.select(TransportKind.AUTO).kind());
        assertEquals(TransportKind.NIO, Transports.select(TransportKind.NIO).kind());
        assertTrue(Transports.available().contains(TransportKind.NIO));
        for (TransportKind kind : Transports.available()) {
            assertEquals(kind, Transports.select(kind).kind());
            assertTrue(Transports.select(kind).supportsUnixSockets());
        }
    }

    @Test
    void autoPrefersEpollThenIoUringThenNio() {
        assertEquals(TransportKind.EPOLL,
                Transports.autoAmong(List.of(TransportKind.NIO, TransportKind.EPOLL, TransportKind.IO_URING), false));
        // epoll is on every Linux relay runs on; io_uring alone would mean a build without epoll's natives.
        assertEquals(TransportKind.IO_URING, Transports.autoAmong(List.of(TransportKind.NIO, TransportKind.IO_URING), false));
        assertEquals(TransportKind.NIO, Transports.autoAmong(List.of(TransportKind.NIO), false));
    }

    @Test
    void withUnixSocketsAutoPrefersTheTransportWhoseUnixSocketsHalfClose() {
        assertEquals(TransportKind.EPOLL,
                Transports.autoAmong(List.of(TransportKind.NIO, TransportKind.EPOLL, TransportKind.IO_URING), true));
        assertEquals(TransportKind.IO_URING, Transports.autoAmong(List.of(TransportKind.NIO, TransportKind.IO_URING), true));
        assertEquals(TransportKind.NIO, Transports.autoAmong(List.of(TransportKind.NIO), true));
        for (TransportKind kind : Transports.available()) {
            assertEquals(kind == TransportKind.EPOLL, Transports.select(kind).halfClosesUnixSockets());
        }
    }

    @Test
    void anUnavailableTransportNamesItsCause() {
        TransportUnavailableException e = new TransportUnavailableException(TransportKind.IO_URING,
                new UnsatisfiedLinkError("io_uring_setup: Operation not permitted"));
        assertEquals("transport io_uring is not available here: io_uring_setup: Operation not permitted", e.getMessage());
    }
}
