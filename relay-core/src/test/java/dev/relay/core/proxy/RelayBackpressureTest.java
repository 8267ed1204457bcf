package dev.relay.core.proxy;

import dev.relay.core.config.RouteConfig;
import dev.relay.core.metrics.RelayCounter;
import dev.relay.core.testing.Family;
import dev.relay.core.testing.Loopback;
import dev.relay.core.testing.Loopback.Digest;
import dev.relay.core.testing.PlainServer;
import dev.relay.core.testing.SocketStates;
import dev.relay.core.testing.TestRelay;
import dev.relay.core.config.TransportKind;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A slow reader pauses its writer: the relay's memory stays under the documented bound and no byte is lost. */
class RelayBackpressureTest {

    private static final long SEED = 99;
    private static final int CHUNK = 64 * 1024;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.relay.core.testing.TestTransports#available")
    void upstreamThatStopsReadingPausesTheClient(TransportKind transport) throws Exception {
        CompletableFuture<Void> upstreamMayRead = new CompletableFuture<>();
        CompletableFuture<Digest> upstreamGot = new CompletableFuture<>();
        try (PlainServer upstream = PlainServer.start(Family.IPV4.bindAddress(dir), channel -> {
                 upstreamMayRead.get(60, TimeUnit.SECONDS);
                 upstreamGot.complete(Loopback.digestToEnd(channel));
             });
             TestRelay relay = TestRelay.start(transport, Family.IPV4.relayListen(dir), Loopback.endpoint(upstream.address()));
             SocketChannel client = Loopback.connect(relay.address())) {

            AtomicBoolean keepWriting = new AtomicBoolean(true);
            AtomicLong written = new AtomicLong();
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> writeUntilStopped(client, keepWriting, written));

            // The relay stops reading the client, the kernel buffers fill, and the writer stalls.
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> relay.server().counters().get(RelayCounter.BACKPRESSURE_PAUSES) >= 1);
            // For 5 seconds the upstream reads nothing while the client keeps pushing: the relay holds its bound.
            await().pollDelay(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(7))
                    .until(() -> relay.server().connections().size() == 1);
            long stalledAt = written.get();
            ConnectionSummary stalled = relay.server().connections().connections().iterator().next()
                    .snapshot().get(5, TimeUnit.SECONDS);
            assertTrue(stalled.peakBufferedUpstream() <= FlowControl.MAX_BUFFERED_PER_DIRECTION,
                    "relay held " + stalled.peakBufferedUpstream() + " bytes; the bound is "
                            + FlowControl.MAX_BUFFERED_PER_DIRECTION);

            keepWriting.set(false);
            upstreamMayRead.complete(null);
            writer.get(30, TimeUnit.SECONDS);
            client.shutdownOutput();

            Digest got = upstreamGot.get(30, TimeUnit.SECONDS);
            assertEquals(Loopback.randomDigest(SEED, written.get()), got, "every byte arrives, in order");
            assertTrue(written.get() >= stalledAt);
            relay.awaitClosed(1, Duration.ofSeconds(10));
            assertTrue(relay.server().counters().get(RelayCounter.BACKPRESSURE_RESUMES) >= 1);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.relay.core.testing.TestTransports#available")
    void clientLeavingMidTransferLeavesNoSocketBehind(TransportKind transport) throws Exception {
        CompletableFuture<Void> upstreamDone = new CompletableFuture<>();
        try (PlainServer upstream = PlainServer.start(Family.IPV4.bindAddress(dir), channel -> {
                 try {
                     AtomicLong ignored = new AtomicLong();
                     writeUntilStopped(channel, new AtomicBoolean(true), ignored);
                 } finally {
                     upstreamDone.complete(null);
                 }
             });
             TestRelay relay = TestRelay.start(transport, Family.IPV4.relayListen(dir), Loopback.endpoint(upstream.address()))) {

            SocketChannel client = Loopback.connect(relay.address());
            Loopback.readExactly(client, 1024 * 1024);
            client.close(); // with unread bytes queued: the kernel answers the next segment with a reset

            upstreamDone.get(10, TimeUnit.SECONDS);
            relay.awaitIdle(Duration.ofSeconds(10));
            int relayPort = ((InetSocketAddress) relay.address()).getPort();
            int upstreamPort = ((InetSocketAddress) upstream.address()).getPort();
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    SocketStates.closeWaitOn(relayPort) == 0 && SocketStates.closeWaitOn(upstreamPort) == 0);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.relay.core.testing.TestTransports#available")
    void finWhilePausedThenABigReplyArrivesWhole(TransportKind transport) throws Exception {
        finWhilePausedThenABigReplyArrivesWhole(transport, true);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.relay.core.testing.TestTransports#available")
    void finWhilePausedThenABigReplyArrivesWholeWithoutSplice(TransportKind transport) throws Exception {
        // On epoll, Netty's own channels: Netty 4.2.18 took the paused client's socket out of epoll once its FIN was
        // seen, and the reply was cut short in about two runs in five (KeptEpollRegistrations keeps it in).
        finWhilePausedThenABigReplyArrivesWhole(transport, false);
    }

    private void finWhilePausedThenABigReplyArrivesWhole(TransportKind transport, boolean splice) throws Exception {
        // An upload the upstream is slow to take, the client's FIN while relay is paused, then a reply larger than
        // every socket buffer on the way: the reply must arrive whole, and only then the FIN. On epoll with splice
        // allowed this runs the splice path.
        int replyBytes = 8 * 1024 * 1024;
        CompletableFuture<Void> upstreamMayRead = new CompletableFuture<>();
        CompletableFuture<Long> uploaded = new CompletableFuture<>();
        try (PlainServer upstream = PlainServer.start(Family.IPV4.bindAddress(dir), channel -> {
                 upstreamMayRead.get(60, TimeUnit.SECONDS);
                 uploaded.complete(Loopback.digestToEnd(channel).bytes());
                 Loopback.writeRandom(channel, 7, replyBytes);
             });
             TestRelay relay = TestRelay.start(transport, splice, RouteConfig.builder("r")
                     .listen(Family.IPV4.relayListen(dir)).upstream(Loopback.endpoint(upstream.address())).build());
             SocketChannel client = Loopback.connect(relay.address("r"))) {

            // Keep the client's buffers full until relay pauses it: spliced, the kernel's buffers on the way take
            // more before relay has to stop reading.
            AtomicLong sent = new AtomicLong();
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                sent.addAndGet(fillWithoutBlocking(client));
                return relay.server().counters().get(RelayCounter.BACKPRESSURE_PAUSES) >= 1;
            });
            client.shutdownOutput();
            client.configureBlocking(true);
            upstreamMayRead.complete(null);

            assertEquals(Loopback.randomDigest(7, replyBytes), Loopback.digestToEnd(client));
            assertEquals(sent.get(), uploaded.get(30, TimeUnit.SECONDS));
            assertEquals(CloseReason.CLIENT_CLOSED, relay.awaitClosed(1, Duration.ofSeconds(10)).reason());
        }
    }

    /** Writes until the kernel takes no more, without blocking; returns how many bytes went in. */
    private static long fillWithoutBlocking(SocketChannel channel) throws java.io.IOException {
        channel.configureBlocking(false);
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK);
        long total = 0;
        for (int idle = 0; idle < 200; ) {
            int n = channel.write(chunk.clear());
            total += n;
            idle = n == 0 ? idle + 1 : 0;
            if (total > 256L * 1024 * 1024) {
                throw new IllegalStateException("the relay never pushed back");
            }
        }
        return total;
    }

    /** Writes the seeded random stream a chunk at a time until told to stop or the socket fails. */
    private static void writeUntilStopped(SocketChannel channel, AtomicBoolean keepWriting, AtomicLong written) {
        Random random = new Random(SEED);
        byte[] chunk = new byte[CHUNK];
        try {
            while (keepWriting.get()) {
                random.nextBytes(chunk);
                ByteBuffer buffer = ByteBuffer.wrap(chunk);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                written.addAndGet(CHUNK);
            }
        } catch (java.io.IOException closed) {
            // the other side went away: that ends this writer
        }
    }
}
