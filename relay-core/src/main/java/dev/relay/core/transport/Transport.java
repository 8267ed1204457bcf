package dev.relay.core.transport;

import dev.relay.core.config.TransportKind;
import dev.relay.core.config.Endpoint;
import dev.relay.core.config.ConfigException;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.uring.IoUringDatagramChannel;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.channel.uring.IoUringChannelOption;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.unix.DomainSocketAddress;

import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;

/**
 * One transport's parts: the I/O handler that runs its event loops and the channel classes that go with it.
 * Both channels of a relayed connection are made from the same {@code Transport}, so they share a loop.
 */
public record Transport(
        TransportKind kind,
        IoHandlerFactory ioHandlerFactory,
        Class<? extends ServerChannel> serverSocketChannel,
        Class<? extends Channel> socketChannel,
        Class<? extends ServerChannel> serverDomainSocketChannel,
        Class<? extends Channel> domainSocketChannel) {

    public Transport {
        if (kind == null || kind == TransportKind.AUTO || ioHandlerFactory == null
                || serverSocketChannel == null || socketChannel == null) {
            throw new IllegalArgumentException("a transport needs a concrete kind, an I/O handler and TCP channels");
        }
    }

    /**
     * SO_REUSEPORT for this transport's listeners. NIO reaches it through the JDK's socket option; the native
     * transports have their own.
     */
    public ChannelOption<Boolean> reusePortOption() {
        return switch (kind) {
            case EPOLL -> EpollChannelOption.SO_REUSEPORT;
            case IO_URING -> IoUringChannelOption.SO_REUSEPORT;
            default -> NioChannelOption.of(StandardSocketOptions.SO_REUSEPORT);
        };
    }

    /** The UDP channel class: each transport has one, so a datagram route runs on whichever the relay picked. */
    public Class<? extends DatagramChannel> datagramChannel() {
        return switch (kind) {
            case EPOLL -> EpollDatagramChannel.class;
            case IO_URING -> IoUringDatagramChannel.class;
            default -> NioDatagramChannel.class;
        };
    }

    public boolean supportsUnixSockets() {
        return serverDomainSocketChannel != null && domainSocketChannel != null;
    }

    /**
     * Whether a FIN on one of this transport's Unix sockets can shut only its input, so the other direction goes on,
     * as it always can on TCP. Only epoll's: Netty 4.2.18's NIO and io_uring domain channels close at their first FIN
     * whatever their config says (their half-close check knows TCP configs only).
     */
    public boolean halfClosesUnixSockets() {
        return kind == TransportKind.EPOLL;
    }

    /** Whether this transport's sockets to or from {@code endpoint} half-close; see {@link #halfClosesUnixSockets}. */
    public boolean halfClosesOn(Endpoint endpoint) {
        return !(endpoint instanceof Endpoint.Unix) || halfClosesUnixSockets();
    }

    /** The listening channel class for {@code endpoint}. */
    /**
     * A listening socket made of a descriptor this process was passed (systemd, a hand-over). Only Netty's epoll
     * transport can take a descriptor it did not open; io_uring and NIO cannot.
     */
    public ServerChannel serverChannelOn(int fd, Endpoint endpoint) {
        requireEpollFor(fd);
        return endpoint instanceof Endpoint.Unix ? new io.netty.channel.epoll.EpollServerDomainSocketChannel(fd, true)
                : new io.netty.channel.epoll.EpollServerSocketChannel(fd);
    }

    /** A bound UDP socket made of a passed descriptor; epoll only, as {@link #serverChannelOn}. */
    public DatagramChannel datagramChannelOn(int fd) {
        requireEpollFor(fd);
        return new EpollDatagramChannel(fd);
    }

    private void requireEpollFor(int fd) {
        if (kind != TransportKind.EPOLL) {
            throw new dev.relay.core.base.RelayStartException("passed fd " + fd + " needs the epoll transport (Netty's "
                    + kind.label() + " cannot take a socket it did not open): use transport: auto or epoll", null);
        }
    }

    public Class<? extends ServerChannel> serverChannelFor(Endpoint endpoint) {
        if (endpoint instanceof Endpoint.Unix) {
            requireUnixSockets(endpoint);
            return serverDomainSocketChannel;
        }
        return serverSocketChannel;
    }

    /** The connecting channel class for {@code endpoint}. */
    public Class<? extends Channel> channelFor(Endpoint endpoint) {
        if (endpoint instanceof Endpoint.Unix) {
            requireUnixSockets(endpoint);
            return domainSocketChannel;
        }
        return socketChannel;
    }

    /**
     * The address to hand this transport's channels: NIO takes the JDK's {@link UnixDomainSocketAddress},
     * the native transports their own {@link DomainSocketAddress}.
     */
    public SocketAddress addressFor(Endpoint endpoint) {
        SocketAddress address = endpoint.toSocketAddress();
        if (address instanceof UnixDomainSocketAddress unix && kind != TransportKind.NIO) {
            return new DomainSocketAddress(unix.getPath().toString());
        }
        return address;
    }

    private void requireUnixSockets(Endpoint endpoint) {
        if (!supportsUnixSockets()) {
            throw new ConfigException(endpoint + ": the " + kind + " transport has no Unix domain sockets");
        }
    }
}
