package dev.relay.core.testing;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A blocking test upstream on the JDK's own sockets (TCP or Unix), one thread per connection, so a test can
 * script exactly what the far side of the relay does: stop reading, half-close, reset.
 */
public final class PlainServer implements AutoCloseable {

    /** What the server does with each accepted connection; the server closes it afterwards. */
    @FunctionalInterface
    public interface Handler {
        void serve(SocketChannel channel) throws Exception;
    }

    private final ServerSocketChannel server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "plain-server");
        t.setDaemon(true);
        return t;
    });
    private final Queue<SocketChannel> accepted = new ConcurrentLinkedQueue<>();
    private final Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
    private final AtomicInteger acceptedCount = new AtomicInteger();

    private PlainServer(ServerSocketChannel server) {
        this.server = server;
    }

    public static PlainServer start(SocketAddress bind, int backlog, Handler handler) throws IOException {
        ServerSocketChannel channel = ServerSocketChannel.open(
                bind instanceof java.net.UnixDomainSocketAddress ? java.net.StandardProtocolFamily.UNIX
                        : ((java.net.InetSocketAddress) bind).getAddress() instanceof java.net.Inet6Address
                        ? java.net.StandardProtocolFamily.INET6 : java.net.StandardProtocolFamily.INET);
        channel.bind(bind, backlog);
        PlainServer server = new PlainServer(channel);
        if (handler != null) {
            server.threads.execute(() -> server.acceptLoop(handler));
        }
        return server;
    }

    public static PlainServer start(SocketAddress bind, Handler handler) throws IOException {
        return start(bind, 128, handler);
    }

    private void acceptLoop(Handler handler) {
        while (server.isOpen()) {
            try {
                SocketChannel channel = server.accept();
                accepted.add(channel);
                acceptedCount.incrementAndGet();
                try {
                    threads.execute(() -> {
                        try (channel) {
                            handler.serve(channel);
                        } catch (Exception e) {
                            failures.add(e);
                        }
                    });
                } catch (java.util.concurrent.RejectedExecutionException closing) {
                    channel.close(); // accepted just as the server closed
                    return;
                }
            } catch (ClosedChannelException closed) {
                return;
            } catch (IOException e) {
                failures.add(e);
            }
        }
    }

    public SocketAddress address() {
        try {
            return server.getLocalAddress();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public int acceptedCount() {
        return acceptedCount.get();
    }

    /** Exceptions the handlers threw, for tests that expect none (or expect one). */
    public Queue<Throwable> failures() {
        return failures;
    }

    @Override
    public void close() throws IOException {
        SocketAddress bound = server.getLocalAddress();
        server.close();
        for (SocketChannel channel : accepted) {
            channel.close();
        }
        threads.shutdownNow();
        if (bound instanceof java.net.UnixDomainSocketAddress unix) {
            java.nio.file.Files.deleteIfExists(unix.getPath());
        }
    }
}
