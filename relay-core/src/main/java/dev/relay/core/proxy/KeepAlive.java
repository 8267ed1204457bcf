package dev.relay.core.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Whether TCP keepalive on a relayed connection's sockets can tell relay anything. The kernel's first probe goes
 * out after a socket has received nothing for {@code net.ipv4.tcp_keepalive_time} (two hours unless tuned). A
 * socket of a pair that relays bytes keeps receiving them or their ACKs (or fails on its own retransmissions), so
 * it can only get that quiet once the whole pair has relayed nothing for that long, and relay's idle timeout closes
 * such a pair first whenever it is no longer than the kernel's time. Keepalive is then a system call per socket
 * for nothing; relay sets it where the idle timeout is off or longer.
 */
final class KeepAlive {

    private static final Path KERNEL_TIME = Path.of("/proc/sys/net/ipv4/tcp_keepalive_time");
    /** The kernel's idle time before the first probe, in seconds; -1 when it cannot be read. */
    private static final long KERNEL_SECONDS = readKernelSeconds();

    private KeepAlive() {
    }

    /** Whether a route with this idle timeout (zero: none) gets SO_KEEPALIVE on both sockets. */
    static boolean matters(Duration idleTimeout) {
        return matters(idleTimeout, KERNEL_SECONDS);
    }

    /** The kernel's keepalive time in seconds, -1 when unknown. */
    static long kernelSeconds() {
        return KERNEL_SECONDS;
    }

    /** Asked for both sockets of every connection, so it compares seconds and allocates nothing. */
    static boolean matters(Duration idleTimeout, long kernelSeconds) {
        long seconds = idleTimeout.getSeconds();
        return idleTimeout.isZero() || kernelSeconds < 0
                || seconds > kernelSeconds || (seconds == kernelSeconds && idleTimeout.getNano() > 0);
    }

    private static long readKernelSeconds() {
        // One read of the whole value: a sysctl file read from past its start (Files.readString reads one byte
        // first when the file's size says 0) answers end of file.
        try (InputStream in = Files.newInputStream(KERNEL_TIME)) {
            return Long.parseLong(new String(in.readNBytes(64), StandardCharsets.US_ASCII).trim());
        } catch (IOException | RuntimeException unreadable) {
            return -1; // not Linux, or no procfs: keepalive stays on, as it cannot be shown useless
        }
    }
}
