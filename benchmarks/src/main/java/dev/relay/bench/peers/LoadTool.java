package dev.relay.bench.peers;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The load the peer comparison needs that iperf3 and sockperf do not give: connection rate and idle connections.
 * Every loop is bounded by a count or a deadline; it only ever talks to 127.0.0.1.
 *
 * <pre>
 * connrate PORT SECONDS THREADS   connect, exchange 64 bytes with an echo server, close; prints connections/s
 * idle PORT COUNT                 open COUNT connections (each echoes one byte), print "ready", hold until stdin ends
 * </pre>
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
        if (args.length == 4 && args[0].equals("connrate")) {
            out.printf("%.0f%n", connectionRate(port(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3])));
            return 0;
        }
        if (args.length == 3 && args[0].equals("idle")) {
            holdIdle(port(args[1]), Integer.parseInt(args[2]), out);
            return 0;
        }
        err.println("usage: LoadTool connrate PORT SECONDS THREADS | idle PORT COUNT");
        return 2;
    }

    private static InetSocketAddress port(String port) {
        return new InetSocketAddress("127.0.0.1", Integer.parseInt(port));
    }

    private static double connectionRate(InetSocketAddress target, int seconds, int threads) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        List<Future<Long>> counts = new ArrayList<>();
        long started = System.nanoTime();
        for (int i = 0; i < threads; i++) {
            counts.add(pool.submit(() -> {
                ByteBuffer out = ByteBuffer.allocate(EXCHANGE_BYTES);
                ByteBuffer in = ByteBuffer.allocate(EXCHANGE_BYTES);
                long done = 0;
                while (System.nanoTime() < deadline) {
                    try (SocketChannel channel = SocketChannel.open(target)) {
                        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                        out.clear();
                        while (out.hasRemaining()) {
                            channel.write(out);
                        }
                        in.clear();
                        while (in.hasRemaining() && channel.read(in) >= 0) {
                            // read the echo
                        }
                        if (!in.hasRemaining()) {
                            done++;
                        }
                    }
                }
                return done;
            }));
        }
        long total = 0;
        for (Future<Long> count : counts) {
            total += count.get();
        }
        double elapsed = (System.nanoTime() - started) / 1e9;
        pool.shutdownNow();
        return total / elapsed;
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
