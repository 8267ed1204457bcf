package dev.relay.core.admin;

import dev.relay.core.config.AdminConfig;
import dev.relay.core.config.Endpoint;
import dev.relay.core.config.RouteConfig;
import dev.relay.core.config.ServerConfig;
import dev.relay.core.testing.Loopback;
import dev.relay.core.testing.PlainServer;
import dev.relay.core.testing.TestRelay;
import dev.relay.core.config.TransportKind;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An abusive admin client while bytes are relayed: many connections pipelining scrapes, connection listings,
 * paths of thousands of slashes and malformed encodings, all at once. Relayed round trips go on throughout and
 * every admin request gets its answer; the admin work is on its own loop (AdminApiTest), so it cannot take the
 * relay's loops. The round-trip times are printed, not asserted: timing belongs to benchmarks
 * (docs/robustness.md has the measured figures).
 */
class AdminAbuseTest {

    private static final int ABUSERS = 64;
    private static final int PIPELINED = 16;
    private static final long ABUSE_NANOS = TimeUnit.SECONDS.toNanos(3);

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.relay.core.testing.TestTransports#available")
    void relayedRoundTripsGoOnAndEveryAdminRequestIsAnswered(TransportKind transport) throws Exception {
        ExecutorService threads = Executors.newCachedThreadPool();
        try (PlainServer upstream = PlainServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                     AdminAbuseTest::echo);
             TestRelay relay = TestRelay.start(ServerConfig.of(RouteConfig.builder("web")
                             .listen(Endpoint.parse("127.0.0.1:0")).upstream(Loopback.endpoint(upstream.address())).build())
                     .with(transport, 2, Duration.ofSeconds(2))
                     .withAdmin(new AdminConfig(Endpoint.parse("127.0.0.1:0"), null)))) {
            SocketAddress admin = relay.server().adminAddress();
            long deadline = System.nanoTime() + ABUSE_NANOS;
            List<Future<Integer>> abusers = new ArrayList<>();
            for (int i = 0; i < ABUSERS; i++) {
                int kind = i;
                abusers.add(threads.submit(() -> abuse(admin, kind, deadline)));
            }
            long[] roundTrips = pingPong(relay.address(), deadline);
            int answered = 0;
            for (Future<Integer> abuser : abusers) {
                answered += abuser.get(60, TimeUnit.SECONDS);
            }
            assertTrue(roundTrips.length > 100, "relayed round trips went on: " + roundTrips.length);
            assertTrue(answered >= ABUSERS * PIPELINED, "every abuser got its answers: " + answered);
            Arrays.sort(roundTrips);
            System.out.printf("admin abuse on %s: %d round trips, p50 %d us, p99 %d us, max %d us; %d admin answers%n",
                    transport, roundTrips.length, roundTrips[roundTrips.length / 2] / 1000,
                    roundTrips[roundTrips.length * 99 / 100] / 1000, roundTrips[roundTrips.length - 1] / 1000, answered);
        } finally {
            threads.shutdownNow();
        }
    }

    private static void echo(SocketChannel channel) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(1024);
        while (channel.read(buffer.clear()) >= 0) {
            channel.write(buffer.flip());
        }
    }

    /** One-byte round trips through the relay until the deadline; their times in nanoseconds. */
    private static long[] pingPong(SocketAddress relay, long deadline) throws IOException {
        List<Long> times = new ArrayList<>();
        try (SocketChannel client = Loopback.connect(relay)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            while (System.nanoTime() < deadline && times.size() < 1_000_000) {
                long start = System.nanoTime();
                client.write(one.clear());
                one.clear();
                while (one.hasRemaining()) {
                    if (client.read(one) < 0) {
                        throw new IOException("the relay ended the connection");
                    }
                }
                times.add(System.nanoTime() - start);
            }
        }
        return times.stream().mapToLong(Long::longValue).toArray();
    }

    /** Sends batches of pipelined requests of one kind until the deadline; returns how many answers came. */
    private static int abuse(SocketAddress admin, int kind, long deadline) throws IOException {
        String request = switch (kind % 4) {
            case 0 -> "GET /metrics HTTP/1.1\r\nHost: a\r\n\r\n";
            case 1 -> "GET /api/connections HTTP/1.1\r\nHost: a\r\n\r\n";
            case 2 -> "GET /api/routes" + "/".repeat(3000) + " HTTP/1.1\r\nHost: a\r\n\r\n";
            default -> "GET /api/%zz%E0%A4 HTTP/1.1\r\nHost: a\r\n\r\n";
        };
        int answers = 0;
        while (answers == 0 || System.nanoTime() < deadline) {
            String batch = request.repeat(PIPELINED - 1)
                    + request.replace("\r\n\r\n", "\r\nConnection: close\r\n\r\n");
            try (SocketChannel channel = Loopback.connect(admin)) {
                Loopback.writeFully(channel, batch.getBytes(StandardCharsets.ISO_8859_1));
                String all = new String(Loopback.readToEnd(channel, 2 << 20), StandardCharsets.ISO_8859_1);
                int count = all.split("HTTP/1.1 ", -1).length - 1;
                assertEquals(PIPELINED, count, "one answer per request");
                answers += count;
            }
        }
        return answers;
    }
}
