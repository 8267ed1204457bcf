package dev.relay.core.handover;

import dev.relay.core.base.RelayStartException;
import dev.relay.core.config.Endpoint;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The listening sockets passed to this process, waiting for the routes that listen where they are bound. A route's
 * listen address takes the passed socket of the same protocol named after the route (systemd's
 * {@code FileDescriptorName=}) or bound to the same address and port (a wildcard matching a wildcard, IPv4 or IPv6);
 * a socket no route takes stays here for a reload that moves a route onto it. Thread-safe.
 */
public final class InheritedSockets {

    /** No socket passed: every route binds its own. */
    public static final InheritedSockets NONE = new InheritedSockets(List.of());
    /** systemd passes its sockets from descriptor 3 on (SD_LISTEN_FDS_START). */
    static final int FIRST_FD = 3;

    private final List<InheritedSocket> waiting;

    InheritedSockets(List<InheritedSocket> passed) {
        this.waiting = new ArrayList<>(passed);
    }

    /**
     * The sockets systemd passed to this process ({@code LISTEN_PID} is its pid, {@code LISTEN_FDS} how many,
     * {@code LISTEN_FDNAMES} their names); {@link #NONE} when the variables are absent or meant for another process.
     * A passed socket relay cannot serve, or one left in blocking mode (an event loop would wait in accept(2)), is
     * a {@link RelayStartException} naming it.
     */
    public static InheritedSockets fromSystemd(Map<String, String> environment, long pid) {
        String listenPid = environment.get("LISTEN_PID");
        String listenFds = environment.get("LISTEN_FDS");
        if (listenPid == null || listenFds == null || !listenPid.trim().equals(Long.toString(pid))) {
            return NONE;
        }
        int count;
        try {
            count = Integer.parseInt(listenFds.trim());
        } catch (NumberFormatException e) {
            throw new RelayStartException("LISTEN_FDS=" + listenFds + " is not a number of sockets", e);
        }
        String[] names = environment.getOrDefault("LISTEN_FDNAMES", "").split(":", -1);
        List<InheritedSocket> passed = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int fd = FIRST_FD + i;
            InheritedSocket socket = ProcSockets.describe(fd, i < names.length ? names[i] : "");
            if (!ProcSockets.nonBlocking(fd)) {
                throw new RelayStartException("passed " + socket + " is in blocking mode: set NonBlocking=yes in the "
                        + "socket unit", null);
            }
            passed.add(socket);
        }
        return new InheritedSockets(passed);
    }

    /**
     * The sockets handed over by another relay process as descriptors {@code fds}, each found in /proc as systemd's
     * are; unnamed, so each goes to the route listening at its address.
     */
    public static InheritedSockets of(List<Integer> fds) {
        List<InheritedSocket> passed = new ArrayList<>();
        for (int fd : fds) {
            InheritedSocket socket = ProcSockets.describe(fd, "");
            if (!ProcSockets.nonBlocking(fd)) {
                throw new RelayStartException("handed-over " + socket + " is in blocking mode", null);
            }
            passed.add(socket);
        }
        return new InheritedSockets(passed);
    }

    public synchronized boolean isEmpty() {
        return waiting.isEmpty();
    }

    /** The sockets no route has taken. */
    public synchronized List<InheritedSocket> unused() {
        return List.copyOf(waiting);
    }

    /**
     * Takes every passed socket for {@code endpoint}: one from systemd; from a relay that bound it with
     * {@code reuse_port}, one per event loop it had (each has its own accept queue, and none may be left to close).
     * Empty when none was passed for it (the route binds its own).
     */
    public synchronized List<InheritedSocket> takeAll(Endpoint endpoint, boolean udp, Collection<String> routes) {
        List<InheritedSocket> all = new ArrayList<>();
        for (InheritedSocket socket = take(endpoint, udp, routes); socket != null;
             socket = take(endpoint, udp, routes)) {
            all.add(socket);
        }
        return all;
    }

    /**
     * Takes the passed socket for {@code endpoint} of a route named one of {@code routes}, a UDP one when
     * {@code udp}; null when none was passed for it (the route binds its own).
     */
    public synchronized InheritedSocket take(Endpoint endpoint, boolean udp, Collection<String> routes) {
        InheritedSocket.Kind kind = endpoint instanceof Endpoint.Unix ? InheritedSocket.Kind.UNIX
                : udp ? InheritedSocket.Kind.UDP : InheritedSocket.Kind.TCP;
        InheritedSocket found = null;
        for (InheritedSocket socket : waiting) {
            if (socket.kind() == kind && routes.contains(socket.name())) {
                found = socket;
                break;
            }
        }
        if (found == null) {
            for (InheritedSocket socket : waiting) {
                if (socket.kind() == kind && sameAddress(endpoint, socket.local())) {
                    found = socket;
                    break;
                }
            }
        }
        if (found != null) {
            waiting.remove(found);
        }
        return found;
    }

    private static boolean sameAddress(Endpoint endpoint, SocketAddress bound) {
        if (endpoint instanceof Endpoint.Unix unix) {
            return bound instanceof UnixDomainSocketAddress path && path.getPath().equals(unix.path());
        }
        if (!(endpoint instanceof Endpoint.Inet inet) || !(bound instanceof InetSocketAddress at)
                || inet.port() != at.getPort()) {
            return false;
        }
        if (inet.isWildcard() || at.getAddress().isAnyLocalAddress()) {
            return inet.isWildcard() && at.getAddress().isAnyLocalAddress();
        }
        SocketAddress wanted = inet.toSocketAddress();
        return wanted instanceof InetSocketAddress w && !w.isUnresolved() && w.getAddress().equals(at.getAddress());
    }
}
