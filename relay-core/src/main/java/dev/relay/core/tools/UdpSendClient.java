package dev.relay.core.tools;

import dev.relay.core.config.Endpoint;

import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;

/**
 * The datagram counterpart of {@link SendClient}: sends each message as one datagram, then writes every datagram
 * that comes back (each ended by a newline unless it ends with one) until none came for a quiet period.
 */
public final class UdpSendClient {

    /** The replies written at most, so that a peer that never stops sending cannot keep the client forever. */
    static final int MAX_REPLIES = 100_000;

    private UdpSendClient() {
    }

    /** Returns how many replies arrived. */
    public static int send(Endpoint target, List<byte[]> datagrams, OutputStream out, Duration quiet)
            throws IOException {
        if (!(target instanceof Endpoint.Inet)) {
            throw new IOException("UDP needs an IP address and port, not " + target);
        }
        InetSocketAddress address = (InetSocketAddress) target.toSocketAddress();
        if (address.isUnresolved()) {
            address = new InetSocketAddress(address.getHostString(), address.getPort());
            if (address.isUnresolved()) {
                throw new IOException("cannot resolve " + address.getHostString());
            }
        }
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.connect(address);
            for (byte[] datagram : datagrams) {
                socket.send(new DatagramPacket(datagram, datagram.length));
            }
            socket.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, quiet.toMillis())));
            byte[] buffer = new byte[65_536];
            int replies = 0;
            while (replies < MAX_REPLIES) {
                DatagramPacket reply = new DatagramPacket(buffer, buffer.length);
                try {
                    socket.receive(reply);
                } catch (SocketTimeoutException quietNow) {
                    break;
                } catch (PortUnreachableException e) {
                    throw new IOException("nothing listens there (ICMP port unreachable)", e);
                }
                replies++;
                out.write(buffer, 0, reply.getLength());
                if (reply.getLength() == 0 || buffer[reply.getLength() - 1] != '\n') {
                    out.write('\n');
                }
                out.flush();
            }
            return replies;
        }
    }
}
