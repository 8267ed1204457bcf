package dev.relay.core.proxy.splice;

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

    private final Channel channel;
    private final Socket socket;
    private final SpliceRelay relay;
    private IoRegistration registration;
    /** The events last asked for; -1 until the first request, which always goes to epoll. */
    private int interest = -1;

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

    /**
     * Waits for {@code events} (epoll flags) from now on. 0 waits for nothing, and the socket stays in epoll
     * (relay's epoll loops keep it there: {@code KeptEpollRegistrations}), so a hang-up or an error still shows.
     */
    void interest(int events) {
        if (events != interest && registration != null && registration.isValid()) {
            interest = events;
            registration.submit(EpollIoOps.valueOf(events));
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
