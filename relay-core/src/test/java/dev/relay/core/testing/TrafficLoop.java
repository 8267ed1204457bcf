package dev.relay.core.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.util.Arrays;
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
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

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
        InetSocketAddress target = (InetSocketAddress) Loopback.jdkAddress(relay);
        for (int i = 0; i < MAX_CONNECTIONS && !stop && System.nanoTime() < deadline; i++) {
            try (Socket client = new Socket()) {
                // Every read is bounded: a relay that stopped answering fails the connection, not the test run.
                client.setSoTimeout((int) READ_TIMEOUT.toMillis());
                client.connect(target, (int) READ_TIMEOUT.toMillis());
                InputStream in = client.getInputStream();
                int upstream = in.read();
                byte[] sent = {1, 2, 3, (byte) i};
                client.getOutputStream().write(sent);
                byte[] echoed = in.readNBytes(sent.length);
                if (upstream < 0 || !Arrays.equals(sent, echoed)) {
                    fail("connection " + i + ": greeting " + upstream + ", echo " + Arrays.toString(echoed));
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
