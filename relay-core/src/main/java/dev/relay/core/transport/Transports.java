package dev.relay.core.transport;

import dev.relay.core.config.TransportKind;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringDomainSocketChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerDomainSocketChannel;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;

import java.util.ArrayList;
import java.util.List;

/**
 * Chooses a transport. A native transport that does not load is only reported, unless it was asked for by name:
 * then it is an error that names the cause.
 *
 * <p>{@code auto} is epoll where it loads, else io_uring, else NIO. epoll splices, its latency tail is lower, its Unix
 * sockets are the only ones that relay a half-close ({@link Transport#halfClosesUnixSockets}), and it has not lost an
 * event loop under memory pressure as io_uring did; io_uring's connection rate is level or a few percent ahead. On epoll, Netty's I/O handler is wrapped by {@link KeptEpollRegistrations}, which
 * keeps a socket in its epoll set while it wants no event (Netty 4.2.18 drops it and then fails the socket's next
 * request). docs/performance.md has the measurements behind the order.
 */
public final class Transports {

    static {
        IoUringSettings.apply(); // before anything here loads Netty's IoUring class
    }

    private Transports() {
    }

    /** The transport for {@code kind}; {@code AUTO} is the first of epoll, io_uring and NIO that loads here. */
    public static Transport select(TransportKind kind) {
        return select(kind, false);
    }

    /**
     * The transport for {@code kind}; {@code AUTO} is the first of epoll, io_uring and NIO that loads here (with or
     * without {@code unixSockets}: where relay listens on or dials Unix sockets, epoll is the one that half-closes).
     */
    public static Transport select(TransportKind kind, boolean unixSockets) {
        return switch (kind) {
            case AUTO -> select(autoAmong(available(), unixSockets));
            case EPOLL -> {
                if (!Epoll.isAvailable()) {
                    throw new TransportUnavailableException(kind, Epoll.unavailabilityCause());
                }
                yield epoll();
            }
            case IO_URING -> {
                if (!IoUring.isAvailable()) {
                    throw new TransportUnavailableException(kind, IoUring.unavailabilityCause());
                }
                yield ioUring();
            }
            case NIO -> nio();
        };
    }

    /**
     * What {@code auto} means where the transports in {@code loaded} load: epoll, else io_uring (where epoll is
     * unavailable), else NIO. {@code unixSockets} no longer changes the order, epoll being first anyway; it stays in
     * the signature for the callers that say why they ask.
     */
    static TransportKind autoAmong(List<TransportKind> loaded, boolean unixSockets) {
        for (TransportKind preferred : List.of(TransportKind.EPOLL, TransportKind.IO_URING)) {
            if (loaded.contains(preferred)) {
                return preferred;
            }
        }
        return TransportKind.NIO;
    }

    /** Whether {@code kind} loads on this host. */
    public static boolean isAvailable(TransportKind kind) {
        return switch (kind) {
            case AUTO, NIO -> true;
            case EPOLL -> Epoll.isAvailable();
            case IO_URING -> IoUring.isAvailable();
        };
    }

    /** Every concrete transport that loads on this host, NIO first. */
    public static List<TransportKind> available() {
        List<TransportKind> kinds = new ArrayList<>();
        for (TransportKind kind : List.of(TransportKind.NIO, TransportKind.EPOLL, TransportKind.IO_URING)) {
            if (isAvailable(kind)) {
                kinds.add(kind);
            }
        }
        return kinds;
    }

    private static Transport nio() {
        return new Transport(TransportKind.NIO, NioIoHandler.newFactory(),
                NioServerSocketChannel.class, NioSocketChannel.class,
                NioServerDomainSocketChannel.class, NioDomainSocketChannel.class);
    }

    private static Transport epoll() {
        return new Transport(TransportKind.EPOLL, KeptEpollRegistrations.newFactory(),
                EpollServerSocketChannel.class, EpollSocketChannel.class,
                EpollServerDomainSocketChannel.class, EpollDomainSocketChannel.class);
    }

    private static Transport ioUring() {
        return new Transport(TransportKind.IO_URING, IoUringIoHandler.newFactory(),
                IoUringServerSocketChannel.class, IoUringSocketChannel.class,
                IoUringServerDomainSocketChannel.class, IoUringDomainSocketChannel.class);
    }
}
