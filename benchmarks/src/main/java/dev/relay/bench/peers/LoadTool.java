package dev.relay.bench.peers;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * Idle connections for the peer comparison's memory test: {@code idle PORT COUNT} opens COUNT connections (each
 * echoes one byte), prints "ready", and holds them until stdin ends. Every loop is bounded by a count; it only ever
 * talks to 127.0.0.1. (Its connection-rate mode is gone: sharing the two cores with the peer, it saturated before
 * the peers did; the connection rate is measured by {@code benchmarks/peers/connload.c}.)
 */
public final class LoadTool {

    private static final int EXCHANGE_BYTES = 64;

    private LoadTool() {
    }

    public static void main(String[] args) throws Exception {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs one mode; results go to {@code out} for the calling script to read. Returns the exit code. */
    static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        if (args.length == 3 && args[0].equals("idle")) {
            holdIdle(port(args[1]), Integer.parseInt(args[2]), out);
            return 0;
        }
        err.println("usage: LoadTool idle PORT COUNT");
        return 2;
    }

    private static InetSocketAddress port(String port) {
        return new InetSocketAddress("127.0.0.1", Integer.parseInt(port));
    }

    private static void holdIdle(InetSocketAddress target, int count, PrintStream out) throws IOException {
        List<SocketChannel> open = new ArrayList<>(count);
        ByteBuffer one = ByteBuffer.allocate(1);
        try {
            for (int i = 0; i < count; i++) {
                SocketChannel channel = SocketChannel.open(target);
                open.add(channel);
                channel.write(one.clear());
                if (channel.read(one.clear()) != 1) {
                    throw new IOException("connection " + i + " was not relayed");
                }
            }
            out.println("ready " + open.size());
            out.flush();
            while (System.in.read() >= 0) {
                // hold until the caller closes stdin
            }
        } finally {
            for (SocketChannel channel : open) {
                channel.close();
            }
        }
    }
}
