package dev.relay.core.tools;

import dev.relay.core.config.Endpoint;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/**
 * A client that can be trusted in scripts: connects, sends its input, half-closes, and copies everything the
 * server sends to its output until the server closes. Blocking on purpose: it is one connection in a command-line
 * tool, not a server. Reading the reply runs on its own thread so that replies stream while input is still sent.
 */
public final class SendClient {

    private static final int BUFFER_BYTES = 64 * 1024;

    private SendClient() {
    }

    /**
     * Returns the number of bytes the server sent, once the server has closed; throws when the connection fails.
     * Input is sent on a daemon thread, so an interactive input that is still open does not hold the exit.
     */
    public static long send(Endpoint target, InputStream input, OutputStream output, Duration connectTimeout)
            throws IOException {
        try (SocketChannel channel = connect(target, connectTimeout)) {
            Thread sender = new Thread(() -> {
                try {
                    input.transferTo(Channels.newOutputStream(channel));
                    channel.shutdownOutput();
                } catch (IOException serverGone) {
                    // The server closed first; the reader below reports how.
                }
            }, "send-writer");
            sender.setDaemon(true);
            sender.start();
            return copy(channel, output);
        }
    }

    private static SocketChannel connect(Endpoint target, Duration timeout) throws IOException {
        SocketAddress address = target.toSocketAddress();
        if (address instanceof UnixDomainSocketAddress unix) {
            SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            channel.connect(unix);
            return channel;
        }
        InetSocketAddress inet = (InetSocketAddress) address;
        if (inet.isUnresolved()) {
            inet = new InetSocketAddress(inet.getHostString(), inet.getPort());
            if (inet.isUnresolved()) {
                throw new IOException("cannot resolve " + inet.getHostString());
            }
        }
        SocketChannel channel = SocketChannel.open();
        try {
            channel.socket().connect(inet, (int) timeout.toMillis());
            return channel;
        } catch (IOException e) {
            channel.close();
            throw e;
        }
    }

    private static long copy(SocketChannel channel, OutputStream output) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(BUFFER_BYTES);
        long total = 0;
        for (int n; (n = channel.read(buffer)) >= 0; ) {
            output.write(buffer.array(), 0, n);
            output.flush();
            buffer.clear();
            total += n;
        }
        return total;
    }
}
