package dev.relay.core.transport;

import io.netty.channel.IoHandle;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerContext;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.IoOps;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.util.concurrent.ThreadAwareExecutor;

/**
 * Netty's epoll I/O handler with one change: a socket that wants no event stays in the epoll set, waiting for
 * nothing, instead of leaving it.
 *
 * <p>Netty 4.2.18 removes a socket from its epoll set when a channel asks for no event at all (reads paused, its
 * FIN already seen, nothing waiting to be written) but goes on treating it as registered, so the channel's next
 * request, to write once the socket drains, fails with ENOENT and the connection is cut. Asking for an empty,
 * edge-triggered set instead keeps the socket in epoll: a hang-up or an error is still reported, once, as Netty
 * meant by removing it (a level-triggered report would repeat forever). Everything else is Netty's.
 */
final class KeptEpollRegistrations implements IoHandler {

    private final IoHandler netty;

    private KeptEpollRegistrations(IoHandler netty) {
        this.netty = netty;
    }

    static IoHandlerFactory newFactory() {
        IoHandlerFactory netty = EpollIoHandler.newFactory();
        return new IoHandlerFactory() {
            @Override
            public IoHandler newHandler(ThreadAwareExecutor ioExecutor) {
                return new KeptEpollRegistrations(netty.newHandler(ioExecutor));
            }

            @Override
            public boolean isChangingThreadSupported() {
                return netty.isChangingThreadSupported();
            }
        };
    }

    @Override
    public IoRegistration register(IoHandle handle) throws Exception {
        return new Kept(netty.register(handle));
    }

    @Override
    public void initialize() {
        netty.initialize();
    }

    @Override
    public int run(IoHandlerContext context) {
        return netty.run(context);
    }

    @Override
    public void prepareToDestroy() {
        netty.prepareToDestroy();
    }

    @Override
    public void destroy() {
        netty.destroy();
    }

    @Override
    public void wakeup() {
        netty.wakeup();
    }

    @Override
    public boolean isCompatible(Class<? extends IoHandle> handleType) {
        return netty.isCompatible(handleType);
    }

    /** A registration whose empty request means "nothing, edge-triggered" rather than "remove me". */
    private record Kept(IoRegistration netty) implements IoRegistration {

        @Override
        public <T> T attachment() {
            return netty.attachment();
        }

        @Override
        public long submit(IoOps ops) {
            return netty.submit(((EpollIoOps) ops).value() == 0 ? EpollIoOps.EPOLLET : ops);
        }

        @Override
        public boolean isValid() {
            return netty.isValid();
        }

        @Override
        public boolean cancel() {
            return netty.cancel();
        }
    }
}
