package dev.relay.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/** A loopback server that reads and discards, as fast as one thread per connection can. */
final class Sink implements AutoCloseable {

    private final ServerSocketChannel server;

    Sink() throws IOException {
        server = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        Thread acceptor = new Thread(this::acceptLoop, "sink-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    InetSocketAddress address() throws IOException {
        return (InetSocketAddress) server.getLocalAddress();
    }

    private void acceptLoop() {
        while (server.isOpen()) {
            try {
                SocketChannel channel = server.accept();
                Thread reader = new Thread(() -> discard(channel), "sink-read");
                reader.setDaemon(true);
                reader.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    private static void discard(SocketChannel channel) {
        ByteBuffer buffer = ByteBuffer.allocateDirect(256 * 1024);
        try (channel) {
            while (channel.read(buffer.clear()) >= 0) {
                // discard
            }
        } catch (IOException ignored) {
            // the benchmark closed the connection
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
