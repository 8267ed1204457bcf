package dev.relay.core.proxy;

import dev.relay.core.metrics.RelayCounter;
import dev.relay.core.testing.Family;
import dev.relay.core.testing.Loopback;
import dev.relay.core.testing.Loopback.Digest;
import dev.relay.core.testing.PlainServer;
import dev.relay.core.testing.TestRelay;
import dev.relay.core.config.TransportKind;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * 64 connections at once, 4 MiB of random bytes each way on each, both directions at the same time: every byte
 * arrives, intact and in order (SHA-256 equal), on every transport and loopback family.
 */
class RelayIntegrityTest {

    private static final int CONNECTIONS = 64;
    private static final int BYTES_EACH_WAY = 4 * 1024 * 1024;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} over {1}")
    @MethodSource("dev.relay.core.testing.TestTransports#withFamilies")
    void everyByteArrivesBothWays(TransportKind transport, Family family) throws Exception {
        Map<Long, Digest> upstreamReceived = new ConcurrentHashMap<>();
        ExecutorService threads = Executors.newCachedThreadPool();
        try (PlainServer upstream = PlainServer.start(family.bindAddress(dir), 256,
                     channel -> serveUpstream(channel, upstreamReceived, threads));
             TestRelay relay = TestRelay.start(transport, family.relayListen(dir), Loopback.endpoint(upstream.address()))) {

            List<CompletableFuture<Digest>> clients = new ArrayList<>();
            for (long seed = 1; seed <= CONNECTIONS; seed++) {
                long s = seed;
                clients.add(CompletableFuture.supplyAsync(() -> runClient(relay, s, threads), threads));
            }
            for (int i = 0; i < CONNECTIONS; i++) {
                long seed = i + 1;
                assertEquals(upstreamBytes(seed), clients.get(i).get(120, TimeUnit.SECONDS),
                        "upstream->client bytes of connection " + seed);
            }
            relay.awaitIdle(Duration.ofSeconds(20));
            for (long seed = 1; seed <= CONNECTIONS; seed++) {
                assertEquals(clientBytes(seed), upstreamReceived.get(seed),
                        "client->upstream bytes of connection " + seed);
            }
            assertEquals((long) CONNECTIONS * (BYTES_EACH_WAY + Long.BYTES),
                    relay.server().counters().get(RelayCounter.BYTES_UPSTREAM));
            assertEquals((long) CONNECTIONS * BYTES_EACH_WAY, relay.server().counters().get(RelayCounter.BYTES_DOWNSTREAM));
            assertEquals(CONNECTIONS, relay.server().counters().get(RelayCounter.CONNECTIONS_ACCEPTED));
            assertEquals(0, relay.server().counters().get(RelayCounter.CONNECTIONS_ACTIVE));
        } finally {
            threads.shutdownNow();
        }
    }

    private static Digest clientBytes(long seed) {
        return Loopback.randomDigest(seed, BYTES_EACH_WAY);
    }

    private static Digest upstreamBytes(long seed) {
        return Loopback.randomDigest(~seed, BYTES_EACH_WAY);
    }

    /** Reads the client's seed, then sends its own stream while it reads the client's; waits for the client to close. */
    private static void serveUpstream(SocketChannel channel, Map<Long, Digest> received, ExecutorService threads)
            throws Exception {
        long seed = ByteBuffer.wrap(Loopback.readExactly(channel, Long.BYTES)).getLong();
        CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> writeRandom(channel, ~seed), threads);
        received.put(seed, Loopback.digestExactly(channel, BYTES_EACH_WAY));
        sending.get(60, TimeUnit.SECONDS);
        Loopback.readToEnd(channel, 1);
    }

    private static Digest runClient(TestRelay relay, long seed, ExecutorService threads) {
        try (SocketChannel channel = Loopback.connect(relay.address())) {
            byte[] header = ByteBuffer.allocate(Long.BYTES).putLong(seed).array();
            Loopback.writeFully(channel, header);
            CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> writeRandom(channel, seed), threads);
            Digest received = Loopback.digestExactly(channel, BYTES_EACH_WAY);
            sending.get(60, TimeUnit.SECONDS);
            return received;
        } catch (Exception e) {
            throw new IllegalStateException("client " + seed, e);
        }
    }

    private static void writeRandom(SocketChannel channel, long seed) {
        try {
            Loopback.writeRandom(channel, seed, BYTES_EACH_WAY);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
