package dev.relay.core.testing;

import dev.relay.core.config.Endpoint;
import io.netty.channel.unix.DomainSocketAddress;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Random;

/** Small helpers for talking to a relay over real sockets from a test. */
public final class Loopback {

    private Loopback() {
    }

    /** Any relay or test-server address as the JDK's SocketChannel wants it. */
    public static SocketAddress jdkAddress(SocketAddress address) {
        if (address instanceof DomainSocketAddress unix) {
            return UnixDomainSocketAddress.of(unix.path());
        }
        return address;
    }

    /** The relay's endpoint text for a JDK address. */
    public static Endpoint endpoint(SocketAddress address) {
        if (address instanceof UnixDomainSocketAddress unix) {
            return Endpoint.parse("unix:" + unix.getPath());
        }
        if (address instanceof DomainSocketAddress unix) {
            return Endpoint.parse("unix:" + unix.path());
        }
        InetSocketAddress inet = (InetSocketAddress) address;
        String host = inet.getAddress().getHostAddress();
        return Endpoint.parse((host.contains(":") ? "[" + host + "]" : host) + ":" + inet.getPort());
    }

    /**
     * A free loopback port for a server the test starts later: probed by binding it, then closed. It is taken from
     * below the kernel's ephemeral range, because a port from that range, once closed, can be handed straight to
     * the next socket bound to port 0 or connecting out (a test server started meanwhile), and the later bind then
     * fails with "address already in use".
     */
    public static Endpoint freeEndpoint() throws IOException {
        int ephemeralLow = ephemeralRangeLow();
        int span = ephemeralLow - 10_000; // at least 1: ephemeralRangeLow says 10,001 or more
        int first = new Random().nextInt(span);
        for (int i = 0; i < 500; i++) {
            int port = 10_000 + (first + i) % span;
            try (java.nio.channels.ServerSocketChannel probe = java.nio.channels.ServerSocketChannel.open()) {
                probe.bind(new InetSocketAddress("127.0.0.1", port));
                return endpoint(probe.getLocalAddress());
            } catch (java.net.BindException taken) {
                // in use: the next one
            }
        }
        throw new IOException("no free loopback port below " + ephemeralLow + " after 500 tries");
    }

    private static int ephemeralRangeLow() {
        // One read of the whole value: a sysctl file read from past its start answers end of file.
        try (java.io.InputStream in = java.nio.file.Files.newInputStream(
                java.nio.file.Path.of("/proc/sys/net/ipv4/ip_local_port_range"))) {
            String range = new String(in.readNBytes(64), java.nio.charset.StandardCharsets.US_ASCII);
            return Math.max(10_001, Integer.parseInt(range.trim().split("\\s+")[0]));
        } catch (IOException | RuntimeException unreadable) {
            return 32_768; // Linux's default low end
        }
    }

    /** A loopback port that nothing listens on, and that nothing else is given while the tests run. */
    public static Endpoint refusingEndpoint() throws IOException {
        // A socket bound but never listening: a connect to its port is refused, and the port stays taken, so no
        // listener bound later (the relay's own, on port 0) can be handed it. Kept open for the JVM's life.
        java.net.Socket reserved = new java.net.Socket();
        reserved.bind(new InetSocketAddress("127.0.0.1", 0));
        RESERVED_PORTS.add(reserved);
        return endpoint(reserved.getLocalSocketAddress());
    }

    private static final java.util.List<java.net.Socket> RESERVED_PORTS =
            java.util.Collections.synchronizedList(new java.util.ArrayList<>());

    /**
     * A server on {@code bind} that greets every connection with the one byte {@code id}, then echoes until the
     * client's FIN: a client learns which upstream the relay picked from the first byte it reads.
     */
    public static PlainServer identityServer(SocketAddress bind, int id) throws IOException {
        return PlainServer.start(bind, channel -> {
            writeFully(channel, new byte[] {(byte) id});
            ByteBuffer buffer = ByteBuffer.allocate(16 * 1024);
            while (channel.read(buffer) >= 0) {
                buffer.flip();
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                buffer.clear();
            }
        });
    }

    /** Connects to {@code address} and returns the greeting byte of the upstream that answered, or -1 at EOF. */
    public static int greeting(SocketChannel channel) throws IOException {
        ByteBuffer one = ByteBuffer.allocate(1);
        while (one.hasRemaining()) {
            if (channel.read(one) < 0) {
                return -1;
            }
        }
        return one.get(0);
    }

    public static SocketChannel connect(SocketAddress address) throws IOException {
        return SocketChannel.open(jdkAddress(address));
    }

    /** Closes with SO_LINGER 0, so the other end sees a reset. */
    public static void reset(SocketChannel channel) throws IOException {
        channel.setOption(StandardSocketOptions.SO_LINGER, 0);
        channel.close();
    }

    public static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    public static void writeFully(SocketChannel channel, byte[] bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    /** Reads until EOF (or {@code limit} bytes), returning what came. */
    public static byte[] readToEnd(SocketChannel channel, int limit) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(limit);
        while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
            // keep reading
        }
        byte[] out = new byte[buffer.position()];
        buffer.flip().get(out);
        return out;
    }

    /** Reads exactly {@code size} bytes, failing on an early EOF. */
    public static byte[] readExactly(SocketChannel channel, int size) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(size);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) {
                throw new java.io.EOFException("EOF after " + buffer.position() + " of " + size + " bytes");
            }
        }
        return buffer.array();
    }

    private static final int CHUNK = 64 * 1024;

    /** Writes {@code size} pseudo-random bytes from {@code seed}, a chunk at a time (the same bytes as randomBytes). */
    public static void writeRandom(SocketChannel channel, long seed, long size) throws IOException {
        Random random = new Random(seed);
        byte[] chunk = new byte[CHUNK];
        for (long left = size; left > 0; left -= CHUNK) {
            random.nextBytes(chunk);
            ByteBuffer buffer = ByteBuffer.wrap(chunk, 0, (int) Math.min(CHUNK, left));
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        }
    }

    /** The digest of what {@link #writeRandom} sends, without holding it in memory. */
    public static Digest randomDigest(long seed, long size) {
        Random random = new Random(seed);
        MessageDigest sha = sha256();
        byte[] chunk = new byte[CHUNK];
        for (long left = size; left > 0; left -= CHUNK) {
            random.nextBytes(chunk);
            sha.update(chunk, 0, (int) Math.min(CHUNK, left));
        }
        return new Digest(size, sha.digest());
    }

    /** Reads exactly {@code size} bytes and digests them as they come. */
    public static Digest digestExactly(SocketChannel channel, long size) throws IOException {
        MessageDigest sha = sha256();
        ByteBuffer buffer = ByteBuffer.allocate(CHUNK);
        long left = size;
        while (left > 0) {
            buffer.clear().limit((int) Math.min(CHUNK, left));
            int n = channel.read(buffer);
            if (n < 0) {
                throw new java.io.EOFException("EOF after " + (size - left) + " of " + size + " bytes");
            }
            buffer.flip();
            sha.update(buffer);
            left -= n;
        }
        return new Digest(size, sha.digest());
    }

    /** Reads until EOF and returns the SHA-256 of every byte, and how many there were. */
    public static Digest digestToEnd(SocketChannel channel) throws IOException {
        MessageDigest sha = sha256();
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        long total = 0;
        for (int n; (n = channel.read(buffer)) >= 0; ) {
            buffer.flip();
            sha.update(buffer);
            buffer.clear();
            total += n;
        }
        return new Digest(total, sha.digest());
    }

    public static Digest digest(byte[] bytes) {
        return new Digest(bytes.length, sha256().digest(bytes));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A byte count and a SHA-256, comparable with {@code equals}. */
    public record Digest(long bytes, String sha256) {
        Digest(long bytes, byte[] sha) {
            this(bytes, java.util.HexFormat.of().formatHex(sha));
        }
    }
}
