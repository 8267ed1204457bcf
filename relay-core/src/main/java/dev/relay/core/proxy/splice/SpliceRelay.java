package dev.relay.core.proxy.splice;

import dev.relay.core.base.Direction;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.util.concurrent.Future;

import java.io.IOException;
import java.util.ArrayDeque;

/**
 * Relays one connection with splice(2) on epoll: bytes move socket → pipe → socket inside the kernel and never
 * enter the JVM. It takes over after the upstream connected, when nothing on the route needs to see the bytes.
 *
 * <p>Both sockets leave their channels' epoll registrations and are registered by relay on the same event loop,
 * level-triggered: Netty's own {@code spliceTo} cannot tell an empty socket from one that reached its end, relays
 * the FIN before the bytes in front of it have moved and spins at the end of a stream, so relay drives splice
 * itself. The channels still own the sockets: relay closes, resets and counts through them and
 * the connection ({@link SplicedPair}) as on the ByteBuf path; closing either ends the splicing first.
 *
 * <p>Per connection relay holds at most one pipe per direction (64 KiB, the kernel's default) plus what was read
 * before the hand-over (what epoll read with an early FIN); a full pipe stops reading from its source.
 */
public final class SpliceRelay {

    private static final int READ = EpollIoOps.EPOLLIN.value() | EpollIoOps.EPOLLRDHUP.value();
    private static final int WRITE = EpollIoOps.EPOLLOUT.value();
    /** EPOLLHUP (0x010, which Netty's natives do not name): the socket is shut both ways or was reset. */
    private static final int HUNG_UP = EpollIoOps.EPOLLRDHUP.value() | 0x010;
    private static final int ERROR = EpollIoOps.EPOLLERR.value();
    /** Fill-and-drain rounds per wake-up before the loop serves other sockets; level-triggered epoll comes back. */
    private static final int ROUNDS_PER_EVENT = 4;

    private final SplicedPair connection;
    private final SpliceSocket client;
    private final SpliceSocket upstream;
    private final SpliceFlow up;
    private final SpliceFlow down;
    private boolean stopped;

    private SpliceRelay(SplicedPair connection, Channel clientChannel, Channel upstreamChannel,
                        HeldBytes clientHeld, HeldBytes upstreamHeld) {
        this.connection = connection;
        this.client = new SpliceSocket(clientChannel, this);
        this.upstream = new SpliceSocket(upstreamChannel, this);
        ByteBufAllocator alloc = clientChannel.alloc();
        this.up = new SpliceFlow(Direction.UPSTREAM, client, upstream, addressable(clientHeld.takeBytes(), alloc),
                clientHeld.finished(), connection);
        this.down = new SpliceFlow(Direction.DOWNSTREAM, upstream, client, addressable(upstreamHeld.takeBytes(), alloc),
                upstreamHeld.finished(), connection);
    }

    /**
     * Takes both (already deregistered) channels onto the splice path, starting with what {@code clientHeld} and
     * {@code upstreamHeld} read meanwhile. Runs on the pair's event loop.
     */
    public static void start(SplicedPair connection, Channel clientChannel, Channel upstreamChannel,
                      HeldBytes clientHeld, HeldBytes upstreamHeld) {
        SpliceRelay relay = new SpliceRelay(connection, clientChannel, upstreamChannel, clientHeld, upstreamHeld);
        clientHeld.remove();
        upstreamHeld.remove();
        connection.spliced(relay);
        relay.register();
    }

    private void register() {
        IoEventLoop loop = (IoEventLoop) client.channel().eventLoop();
        for (SpliceSocket socket : new SpliceSocket[] {client, upstream}) {
            Future<IoRegistration> registered = loop.register(socket);
            if (!registered.isSuccess()) {
                connection.failed(socket == client ? Direction.UPSTREAM : Direction.DOWNSTREAM, registered.cause());
                return;
            }
            socket.registered(registered.getNow());
        }
        // What was held goes out first; then both sockets wait for what they need.
        if (drain(up) && drain(down)) {
            updateInterest();
        }
    }

    void onEvent(SpliceSocket socket, int events) {
        if (stopped) {
            // Stopped, and its channel not closed yet: nothing will consume the event, so leave epoll now rather
            // than be woken for it again and again.
            socket.unregister();
            return;
        }
        SpliceFlow from = socket == client ? up : down;
        SpliceFlow into = socket == client ? down : up;
        if ((events & ERROR) != 0 && !checkError(socket, from)) {
            return;
        }
        if ((events & WRITE) != 0 && into.wantsWrite()) {
            if (!drain(into) || !pump(into, false)) {
                return;
            }
        }
        if ((events & (READ | HUNG_UP | ERROR)) != 0 && from.wantsRead()) {
            if (!pump(from, (events & HUNG_UP) != 0)) {
                return;
            }
        }
        updateInterest();
    }

    /** Fills and drains {@code flow} a few rounds; false once the connection has stopped. */
    private boolean pump(SpliceFlow flow, boolean peerHungUp) {
        for (int round = 0; round < ROUNDS_PER_EVENT && flow.wantsRead(); round++) {
            int moved;
            try {
                moved = flow.fill(round == 0 && peerHungUp);
            } catch (Exception e) {
                fail(flow.direction(), e);
                return false;
            }
            if (!drain(flow)) {
                return false;
            }
            if (moved == 0 || flow.sourceEmptied() || flow.wantsWrite()) {
                break;
            }
        }
        return !stopped;
    }

    /** Drains {@code flow} into its target; a failure there is the target side's. False once stopped. */
    private boolean drain(SpliceFlow flow) {
        try {
            flow.drain();
        } catch (Exception e) {
            fail(flow.direction().opposite(), e);
            return false;
        }
        return !stopped;
    }

    private boolean checkError(SpliceSocket socket, SpliceFlow sourcedHere) {
        try {
            IOException error = SpliceNative.pendingError(socket.socket());
            if (error == null) {
                return true;
            }
            fail(sourcedHere.direction(), error);
        } catch (Exception e) {
            fail(sourcedHere.direction(), e);
        }
        return false;
    }

    private void fail(Direction sourceSideOf, Throwable cause) {
        if (!stopped) {
            connection.failed(sourceSideOf, cause);
        }
    }

    private void updateInterest() {
        client.interest((up.wantsRead() ? READ : 0) | (down.wantsWrite() ? WRITE : 0));
        upstream.interest((down.wantsRead() ? READ : 0) | (up.wantsWrite() ? WRITE : 0));
    }

    /**
     * Ends the splicing: nothing moves any more and the pipes go back (or close, if bytes are left in them). The
     * sockets stay registered until their channels have closed them ({@link #socketsClosed}): a closed descriptor
     * has left epoll by itself, so leaving then costs no epoll_ctl(2). Every stop is followed at once by both
     * closes; an event that comes in between takes its socket out (see {@link #onEvent}).
     * Idempotent; on the event loop.
     */
    public void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        up.release();
        down.release();
    }

    /** A channel of the pair has closed: each socket whose channel is closed gives up its registration. */
    public void socketsClosed() {
        client.unregisterIfClosed();
        upstream.unregisterIfClosed();
    }

    /** The event loop is going away under a spliced connection: it ends at once. */
    void abort() {
        stop();
        client.channel().close();
        upstream.channel().close();
    }

    /** Held bytes are written from their memory address; a buffer without one is copied into one that has. */
    private static ArrayDeque<ByteBuf> addressable(ArrayDeque<ByteBuf> bytes, ByteBufAllocator alloc) {
        if (bytes.isEmpty()) {
            return SpliceFlow.NOTHING_HELD;
        }
        ArrayDeque<ByteBuf> result = new ArrayDeque<>(bytes.size());
        for (ByteBuf buf : bytes) {
            if (buf.hasMemoryAddress()) {
                result.add(buf);
            } else {
                ByteBuf copy = alloc.directBuffer(buf.readableBytes());
                copy.writeBytes(buf);
                buf.release();
                result.add(copy);
            }
        }
        return result;
    }
}
