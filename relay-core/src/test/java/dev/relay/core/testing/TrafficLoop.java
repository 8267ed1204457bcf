package dev.relay.core.testing;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Connections made one after another through a relay to {@link Loopback#identityServer}s while a test changes
 * things, each checked end to end (the greeting, then a few bytes echoed): how many went where, and how many
 * failed. Bounded by a connection count and a deadline; stopped by {@link #close()}.
 */
public final class TrafficLoop implements AutoCloseable {

    private static final int MAX_CONNECTIONS = 200_000;
    private static final Duration MAX_TIME = Duration.ofMinutes(2);

    private final SocketAddress relay;
    private final Thread thread;
    private final Map<Integer, AtomicInteger> byUpstream = new ConcurrentHashMap<>();
    private final AtomicInteger ok = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final AtomicReference<String> firstFailure = new AtomicReference<>();
    private volatile boolean stop;

    public TrafficLoop(SocketAddress relay) {
        this.relay = relay;
        this.thread = new Thread(this::run, "traffic-loop");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        long deadline = System.nanoTime() + MAX_TIME.toNanos();
        for (int i = 0; i < MAX_CONNECTIONS && !stop && System.nanoTime() < deadline; i++) {
            try (SocketChannel client = Loopback.connect(relay)) {
                int upstream = Loopback.greeting(client);
                byte[] sent = {1, 2, 3, (byte) i};
                Loopback.writeFully(client, sent);
                byte[] echoed = Loopback.readExactly(client, sent.length);
                if (upstream < 0 || !java.util.Arrays.equals(sent, echoed)) {
                    fail("connection " + i + ": greeting " + upstream + ", echo wrong");
                } else {
                    ok.incrementAndGet();
                    byUpstream.computeIfAbsent(upstream, u -> new AtomicInteger()).incrementAndGet();
                }
            } catch (IOException e) {
                fail("connection " + i + ": " + e);
            }
        }
    }

    private void fail(String why) {
        failed.incrementAndGet();
        firstFailure.compareAndSet(null, why);
    }

    public int ok() {
        return ok.get();
    }

    public int failed() {
        return failed.get();
    }

    public String firstFailure() {
        return firstFailure.get();
    }

    /** Connections that reached the upstream greeting with {@code id}. */
    public int reached(int id) {
        AtomicInteger count = byUpstream.get(id);
        return count == null ? 0 : count.get();
    }

    @Override
    public void close() throws InterruptedException {
        stop = true;
        thread.join(Duration.ofSeconds(30).toMillis());
    }
}
