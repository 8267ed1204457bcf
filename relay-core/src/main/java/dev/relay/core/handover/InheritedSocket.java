package dev.relay.core.handover;

import java.net.SocketAddress;

/**
 * A socket passed to this process open and bound: its descriptor, what it is, where it is bound, and the name its
 * passer gave it (systemd's {@code FileDescriptorName=}, or the socket unit's name).
 */
public record InheritedSocket(int fd, Kind kind, SocketAddress local, String name) {

    /** What a passed socket is, as far as a route cares. */
    public enum Kind {
        /** A listening TCP socket. */
        TCP,
        /** A bound UDP socket. */
        UDP,
        /** A listening Unix stream socket. */
        UNIX
    }

    @Override
    public String toString() {
        return "fd " + fd + " (" + kind.name().toLowerCase(java.util.Locale.ROOT) + " " + local
                + (name.isEmpty() ? "" : ", named " + name) + ")";
    }
}
