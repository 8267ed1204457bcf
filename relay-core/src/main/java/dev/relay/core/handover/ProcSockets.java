package dev.relay.core.handover;

import dev.relay.core.base.RelayStartException;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * What Linux says of one of this process's descriptors in /proc: which socket it is (its inode, found in
 * /proc/net/tcp, tcp6, udp, udp6 or unix with its local address and state), and whether it is non-blocking.
 * Plain file reads, so that a passed socket is known before any channel is made of it.
 */
final class ProcSockets {

    private static final String TCP_LISTEN = "0A";
    private static final int O_NONBLOCK = 04000;

    private ProcSockets() {
    }

    /** The socket open as {@code fd}, or a {@link RelayStartException} saying why it is not one relay can serve. */
    static InheritedSocket describe(int fd, String name) {
        String inode = inode(fd);
        try {
            for (String table : List.of("tcp", "tcp6")) {
                for (String line : lines("/proc/net/" + table)) {
                    String[] f = line.trim().split("\\s+");
                    if (f.length > 9 && f[9].equals(inode)) {
                        if (!f[3].equals(TCP_LISTEN)) {
                            throw new RelayStartException("passed fd " + fd + " is a TCP socket that does not listen",
                                    null);
                        }
                        return new InheritedSocket(fd, InheritedSocket.Kind.TCP, inet(f[1]), name);
                    }
                }
            }
            for (String table : List.of("udp", "udp6")) {
                for (String line : lines("/proc/net/" + table)) {
                    String[] f = line.trim().split("\\s+");
                    if (f.length > 9 && f[9].equals(inode)) {
                        return new InheritedSocket(fd, InheritedSocket.Kind.UDP, inet(f[1]), name);
                    }
                }
            }
            for (String line : lines("/proc/net/unix")) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 7 && f[6].equals(inode)) {
                    return new InheritedSocket(fd, InheritedSocket.Kind.UNIX, UnixDomainSocketAddress.of(f[7]), name);
                }
            }
        } catch (IOException e) {
            throw new RelayStartException("cannot read /proc/net to know passed fd " + fd + ": " + e.getMessage(), e);
        }
        throw new RelayStartException("passed fd " + fd + " is not a TCP, UDP or Unix stream socket relay knows", null);
    }

    /** Whether {@code fd} is in non-blocking mode: an event loop must never wait in accept(2). */
    static boolean nonBlocking(int fd) {
        try {
            for (String line : lines("/proc/self/fdinfo/" + fd)) {
                if (line.startsWith("flags:")) {
                    return (Integer.parseInt(line.substring(6).trim(), 8) & O_NONBLOCK) != 0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            throw new RelayStartException("cannot read the flags of passed fd " + fd + ": " + e.getMessage(), e);
        }
        return false;
    }

    private static String inode(int fd) {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
            if (!target.startsWith("socket:[")) {
                throw new RelayStartException("passed fd " + fd + " is not a socket (" + target + ")", null);
            }
            return target.substring("socket:[".length(), target.length() - 1);
        } catch (IOException e) {
            throw new RelayStartException("passed fd " + fd + " is not open: " + e.getMessage(), e);
        }
    }

    private static List<String> lines(String file) throws IOException {
        return Files.readAllLines(Path.of(file));
    }

    /**
     * An address as /proc/net writes it: hex {@code ADDR:PORT}, the address in 32-bit words each in the host's
     * (little-endian) byte order.
     */
    static SocketAddress inet(String field) {
        int colon = field.indexOf(':');
        String hex = field.substring(0, colon).toLowerCase(Locale.ROOT);
        int port = Integer.parseInt(field.substring(colon + 1), 16);
        byte[] bytes = new byte[hex.length() / 2];
        for (int word = 0; word < bytes.length / 4; word++) {
            for (int i = 0; i < 4; i++) {
                int at = word * 8 + (3 - i) * 2;
                bytes[word * 4 + i] = (byte) Integer.parseInt(hex.substring(at, at + 2), 16);
            }
        }
        try {
            return new InetSocketAddress(InetAddress.getByAddress(bytes), port);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("an address of " + bytes.length + " bytes", e);
        }
    }
}
