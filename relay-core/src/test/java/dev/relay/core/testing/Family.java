package dev.relay.core.testing;

import dev.relay.core.config.Endpoint;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/** The loopback address families the integration tests run on: 127.0.0.1, ::1 and Unix sockets. */
public enum Family {
    IPV4, IPV6, UNIX;

    private static final AtomicInteger SOCKET_NUMBERS = new AtomicInteger();

    /** Whether this machine can bind the family (::1 is missing on some hosts). */
    public boolean available() {
        if (this != IPV6) {
            return true;
        }
        try (ServerSocketChannel probe = ServerSocketChannel.open()) {
            probe.bind(new InetSocketAddress(InetAddress.getByName("::1"), 0));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A JDK address to bind a test server to; ports are picked by the kernel, socket files are fresh. */
    public SocketAddress bindAddress(Path dir) {
        return switch (this) {
            case IPV4 -> new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
            case IPV6 -> new InetSocketAddress(ipv6Loopback(), 0);
            case UNIX -> UnixDomainSocketAddress.of(dir.resolve("s" + SOCKET_NUMBERS.incrementAndGet() + ".sock"));
        };
    }

    /** The relay's listen endpoint for this family. */
    public Endpoint relayListen(Path dir) {
        return switch (this) {
            case IPV4 -> Endpoint.parse("127.0.0.1:0");
            case IPV6 -> Endpoint.parse("[::1]:0");
            case UNIX -> Endpoint.parse("unix:" + dir.resolve("r" + SOCKET_NUMBERS.incrementAndGet() + ".sock"));
        };
    }

    private static InetAddress ipv6Loopback() {
        try {
            return InetAddress.getByName("::1");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
