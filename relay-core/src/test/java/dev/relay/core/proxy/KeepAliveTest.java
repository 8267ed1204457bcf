package dev.relay.core.proxy;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Keepalive where relay's idle timeout leaves it something to find, against the kernel's keepalive time. */
class KeepAliveTest {

    private static final long TWO_HOURS = 7200;

    @Test
    void withoutAnIdleTimeoutKeepaliveIsTheOnlyWatch() {
        assertTrue(KeepAlive.matters(Duration.ZERO, TWO_HOURS));
    }

    @Test
    void anIdleTimeoutNoLongerThanTheKernelsTimeClosesFirst() {
        assertFalse(KeepAlive.matters(Duration.ofHours(1), TWO_HOURS), "relay's default: 1 h against 2 h");
        assertFalse(KeepAlive.matters(Duration.ofHours(2), TWO_HOURS), "the same time: relay's timer closes first");
    }

    @Test
    void aLongerIdleTimeoutOrATunedKernelNeedsKeepalive() {
        assertTrue(KeepAlive.matters(Duration.ofHours(3), TWO_HOURS));
        assertTrue(KeepAlive.matters(Duration.ofHours(1), 600), "a host tuned to probe after 10 minutes");
    }

    @Test
    void aKernelTimeThatCannotBeReadKeepsKeepaliveOn() {
        assertTrue(KeepAlive.matters(Duration.ofSeconds(1), -1));
    }

    @Test
    void theKernelsTimeIsReadWhole() throws Exception {
        Path file = Path.of("/proc/sys/net/ipv4/tcp_keepalive_time");
        assumeTrue(Files.isReadable(file), "no procfs here");
        // A buffered reader takes the whole value in one read; so must KeepAlive (a one-byte first read gets "7").
        assertEquals(Long.parseLong(Files.readAllLines(file).get(0).trim()), KeepAlive.kernelSeconds());
    }
}
