package dev.relay.cli;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.unix.Socket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * systemd's notify protocol: when {@code NOTIFY_SOCKET} is set (a unit with {@code Type=notify}), relay tells
 * systemd it is ready once every listener is bound, when it reloads, and when it stops. One datagram per state on
 * the Unix socket named there ({@code @name} for the abstract namespace). The JDK has no Unix datagram sockets,
 * so this uses Netty's native socket; where that does not load, relay says so once and carries on.
 */
final class SystemdNotifier {

    private static final Logger log = LoggerFactory.getLogger(SystemdNotifier.class);

    private final byte[] path;

    private SystemdNotifier(byte[] path) {
        this.path = path;
    }

    static SystemdNotifier fromEnvironment() {
        return forSocket(System.getenv("NOTIFY_SOCKET"));
    }

    /** A notifier for {@code socket}; one that does nothing when it is null or empty. */
    static SystemdNotifier forSocket(String socket) {
        if (socket == null || socket.isEmpty()) {
            return new SystemdNotifier(null);
        }
        if (!Epoll.isAvailable()) {
            log.warn("NOTIFY_SOCKET is set but Netty's native socket does not load ({}): not notifying systemd",
                    Epoll.unavailabilityCause().getMessage());
            return new SystemdNotifier(null);
        }
        byte[] bytes = socket.getBytes(StandardCharsets.UTF_8);
        if (bytes[0] == '@') {
            bytes[0] = 0;
        }
        return new SystemdNotifier(bytes);
    }

    void ready() {
        send("READY=1\nSTATUS=relaying\nMAINPID=" + ProcessHandle.current().pid());
    }

    void reloading() {
        // MONOTONIC_USEC lets systemd 253+ (Type=notify-reload) match this reload to its request.
        send("RELOADING=1\nMONOTONIC_USEC=" + System.nanoTime() / 1_000);
    }

    void stopping() {
        send("STOPPING=1\nSTATUS=draining connections");
    }

    void status(String text) {
        send("STATUS=" + text);
    }

    private void send(String state) {
        if (path == null) {
            return;
        }
        byte[] message = state.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buffer = ByteBuffer.allocateDirect(message.length).put(message).flip();
        Socket socket = Socket.newSocketDomainDgram();
        try {
            socket.sendToDomainSocket(buffer, 0, message.length, path);
        } catch (IOException e) {
            log.warn("cannot notify systemd on {}: {}", new String(path, StandardCharsets.UTF_8), e.getMessage());
        } finally {
            try {
                socket.close();
            } catch (IOException ignored) {
                // Closing a datagram socket that sent nothing more cannot lose anything.
            }
        }
    }
}
