package dev.relay.core.transport;

import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.IoRegistration;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoEvent;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.unix.FileDescriptor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A descriptor that asks for no event and then for one must still hear of it. The write end of a pipe stands in
 * for a socket whose reads are paused and whose FIN was seen, and which then has to wait for room to write.
 */
class KeptEpollRegistrationsTest {

    @BeforeAll
    static void epollLoads() {
        assumeTrue(Epoll.isAvailable(), "epoll does not load here");
    }

    @Test
    void aDescriptorThatWantsNothingStaysInEpollAndHearsItsNextRequest() throws Exception {
        IoEvent event = nothingThenWritable(KeptEpollRegistrations.newFactory());
        assertTrue((((EpollIoEvent) event).ops().value() & EpollIoOps.EPOLLOUT.value()) != 0, event.toString());
    }

    @Test
    void nettysOwnHandlerStillLosesIt() {
        // When this fails, Netty has mended its epoll handler and KeptEpollRegistrations can go.
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> nothingThenWritable(EpollIoHandler.newFactory()));
        assertInstanceOf(UncheckedIOException.class, e.getCause());
    }

    /** Registers a pipe's write end, asks for reads, then nothing, then writability; returns the event heard. */
    private static IoEvent nothingThenWritable(IoHandlerFactory factory) throws Exception {
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, factory);
        FileDescriptor[] pipe = FileDescriptor.pipe();
        try {
            CompletableFuture<IoEvent> heard = new CompletableFuture<>();
            EpollIoHandle writeEnd = new EpollIoHandle() {
                @Override
                public FileDescriptor fd() {
                    return pipe[1];
                }

                @Override
                public void handle(IoRegistration registration, IoEvent event) {
                    heard.complete(event);
                }

                @Override
                public void close() {
                }
            };
            IoEventLoop loop = (IoEventLoop) group.next();
            IoRegistration registration = loop.register(writeEnd).get(5, TimeUnit.SECONDS);
            loop.submit(() -> {
                registration.submit(EpollIoOps.EPOLLIN);
                registration.submit(EpollIoOps.NONE);
                registration.submit(EpollIoOps.EPOLLOUT);
            }).get(5, TimeUnit.SECONDS);
            IoEvent event = heard.get(5, TimeUnit.SECONDS);
            loop.submit(registration::cancel).get(5, TimeUnit.SECONDS);
            return event;
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            close(pipe);
        }
    }

    private static void close(FileDescriptor[] pipe) throws IOException {
        for (FileDescriptor end : pipe) {
            end.close();
        }
    }
}
