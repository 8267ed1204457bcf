package dev.relay.core.proxy;

import io.netty.channel.Channel;
import io.netty.channel.IoEvent;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoEvent;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.unix.FileDescriptor;
import io.netty.channel.unix.Socket;

/**
 * One socket of a spliced connection, registered with its event loop's epoll by relay instead of by its channel,
 * so that relay alone decides which events it waits for.
 */
final class SpliceSocket implements EpollIoHandle {

    /** Waiting for nothing still registers this (edge-triggered, so errors and hang-ups show once): an empty set
     *  would make Netty 4.2.18 drop the socket from epoll while keeping it marked as added. */
    private static final int NOTHING = EpollIoOps.EPOLLET.value();

    private final Channel channel;
    private final Socket socket;
    private final SpliceRelay relay;
    private IoRegistration registration;
    private int interest;

    SpliceSocket(Channel channel, SpliceRelay relay) {
        this.channel = channel;
        this.socket = SpliceNative.socketOf(channel);
        this.relay = relay;
    }

    Channel channel() {
        return channel;
    }

    Socket socket() {
        return socket;
    }

    @Override
    public FileDescriptor fd() {
        return socket;
    }

    void registered(IoRegistration value) {
        registration = value;
    }

    /** Waits for {@code events} (epoll flags; 0 for none) from now on. */
    void interest(int events) {
        int wanted = events == 0 ? NOTHING : events;
        if (wanted != interest && registration != null && registration.isValid()) {
            interest = wanted;
            registration.submit(EpollIoOps.valueOf(wanted));
        }
    }

    /**
     * Takes the socket out of epoll (with no system call once the socket is closed); its channel owns the socket
     * and closes it. Idempotent.
     */
    void unregister() {
        if (registration != null) {
            registration.cancel();
            registration = null;
        }
    }

    /** Gives up the registration once the channel has closed the socket. */
    void unregisterIfClosed() {
        if (!channel.isOpen()) {
            unregister();
        }
    }

    @Override
    public void handle(IoRegistration ignored, IoEvent event) {
        relay.onEvent(this, ((EpollIoEvent) event).ops().value());
    }

    /** The event loop is shutting down with this socket still registered: the connection ends. */
    @Override
    public void close() {
        relay.abort();
    }
}
