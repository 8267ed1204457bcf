package dev.relay.core.admin;

import dev.relay.core.testing.Loopback;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/** Bytes a browser's HTTP client would refuse to send, and every byte of the answer, to the connection's end. */
final class RawHttp {

    private static final int MAX_ANSWER_BYTES = 1 << 20;

    private RawHttp() {
    }

    /** Sends {@code request} as it is and reads until the server closes (each request here asks it to). */
    static String exchange(SocketAddress server, String request) throws IOException {
        try (SocketChannel channel = Loopback.connect(server)) {
            channel.socket().setSoTimeout(10_000);
            Loopback.writeFully(channel, request.getBytes(StandardCharsets.ISO_8859_1));
            return new String(Loopback.readToEnd(channel, MAX_ANSWER_BYTES), StandardCharsets.ISO_8859_1);
        }
    }
}
