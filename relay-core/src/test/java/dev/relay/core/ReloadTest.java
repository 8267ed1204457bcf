package dev.relay.core;

import dev.relay.core.base.RelayStartException;
import dev.relay.core.server.ReloadResult;
import dev.relay.core.config.Balance;
import dev.relay.core.config.Endpoint;
import dev.relay.core.config.RouteConfig;
import dev.relay.core.config.RouteTimeouts;
import dev.relay.core.config.ServerConfig;
import dev.relay.core.config.UpstreamConfig;
import dev.relay.core.proxy.ConnectionSummary;
import dev.relay.core.testing.Loopback;
import dev.relay.core.testing.PlainServer;
import dev.relay.core.testing.TestRelay;
import dev.relay.core.config.TransportKind;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reloads while traffic flows: open connections are never cut, and a reload that fails changes nothing. */
class ReloadTest {

    private static final int CONNECTIONS = 100;
    private static final int RELOADS = 20;
    private static final int CHUNK = 4096;
    /** A bound on each client's loop, far above what the reloads take. */
    private static final int MAX_ROUNDS = 200_000;
    private static final Endpoint MAIN_LISTEN = Endpoint.parse("127.0.0.1:0");

    @TempDir
    Path dir;

    private static RouteConfig main(Endpoint upstream, int generation) {
        return RouteConfig.builder("main").listen(MAIN_LISTEN)
                .upstream(new UpstreamConfig(upstream, 1 + generation % 3, false))
                .balance(generation % 2 == 0 ? Balance.ROUND_ROBIN : Balance.LEAST_CONNECTIONS)
                .timeouts(new RouteTimeouts(Duration.ofSeconds(5), Duration.ofMinutes(10 + generation), Duration.ZERO))
                .build();
    }

    private RouteConfig extra(Endpoint upstream, int generation) {
        return RouteConfig.builder("extra-" + generation)
                .listen(Endpoint.parse("unix:" + dir.resolve("extra-" + generation + ".sock")))
                .upstream(upstream)
                .build();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.relay.core.testing.TestTransports#available")
    void streamingConnectionsSurviveReloadsThatAddChangeAndRemoveRoutes(TransportKind transport) throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(CONNECTIONS);
        try (PlainServer upstream = Loopback.identityServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 7);
             TestRelay relay = TestRelay.start(ServerConfig.of(main(Loopback.endpoint(upstream.address()), 0))
                     .with(transport, 2, Duration.ofSeconds(2)))) {
            Endpoint target = Loopback.endpoint(upstream.address());
            CountDownLatch streaming = new CountDownLatch(CONNECTIONS);
            AtomicBoolean reloadsDone = new AtomicBoolean();
            List<Future<Long>> results = new ArrayList<>();
            for (int i = 0; i < CONNECTIONS; i++) {
                long seed = i;
                results.add(clients.submit(() -> stream(relay, seed, streaming, reloadsDone)));
            }
            assertTrue(streaming.await(30, TimeUnit.SECONDS), "every client is streaming");

            int added = 0;
            int removed = 0;
            int changed = 0;
            for (int generation = 1; generation <= RELOADS; generation++) {
                ServerConfig next = relay.server().config().withRoutes(main(target, generation), extra(target, generation));
                ReloadResult result = relay.server().reload(next);
                added += result.added().size();
                removed += result.removed().size();
                changed += result.changed().size();
                try (SocketChannel probe = Loopback.connect(relay.address("extra-" + generation))) {
                    assertEquals(7, Loopback.greeting(probe), "the added route serves at once");
                }
                assertEquals(CONNECTIONS, relay.server().routes().get("main").openConnections(), "none was cut");
            }
            reloadsDone.set(true);

            for (Future<Long> result : results) {
                assertTrue(result.get(60, TimeUnit.SECONDS) > 0);
            }
            assertEquals(RELOADS, added);
            assertEquals(RELOADS - 1, removed);
            assertEquals(RELOADS, changed);
            relay.awaitClosed(CONNECTIONS + RELOADS, Duration.ofSeconds(20));
            List<ConnectionSummary> mainClosed = relay.closed().stream().filter(c -> c.route().equals("main")).toList();
            assertEquals(CONNECTIONS, mainClosed.size());
            mainClosed.forEach(c -> assertEquals("client_closed", c.reason().label(), c.toString()));
        } finally {
            clients.shutdownNow();
        }
    }

    /** Streams 4 KiB chunks through the relay and checks each echo, until the reloads are over; bytes sent. */
    private static long stream(TestRelay relay, long seed, CountDownLatch streaming, AtomicBoolean done)
            throws IOException {
        Random random = new Random(seed);
        byte[] chunk = new byte[CHUNK];
        long sent = 0;
        try (SocketChannel client = Loopback.connect(relay.address("main"))) {
            if (Loopback.greeting(client) != 7) {
                throw new IOException("no greeting");
            }
            streaming.countDown();
            for (int round = 0; round < MAX_ROUNDS && !(done.get() && round > 0); round++) {
                random.nextBytes(chunk);
                Loopback.writeFully(client, chunk);
                byte[] echo = Loopback.readExactly(client, CHUNK);
                if (!Arrays.equals(chunk, echo)) {
                    throw new IOException("chunk " + round + " came back changed");
                }
                sent += CHUNK;
            }
            client.shutdownOutput();
            if (client.read(ByteBuffer.allocate(1)) != -1) {
                throw new IOException("more bytes than were sent");
            }
        }
        return sent;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.relay.core.testing.TestTransports#available")
    void aReloadThatCannotBindChangesNothing(TransportKind transport) throws Exception {
        try (PlainServer upstream = Loopback.identityServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 7);
             PlainServer squatter = PlainServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), null);
             TestRelay relay = TestRelay.start(ServerConfig.of(main(Loopback.endpoint(upstream.address()), 0),
                     extra(Loopback.endpoint(upstream.address()), 1)).with(transport, 2, Duration.ofSeconds(2)))) {
            Endpoint target = Loopback.endpoint(upstream.address());
            ServerConfig before = relay.server().config();
            RouteConfig taken = RouteConfig.builder("taken").listen(Loopback.endpoint(squatter.address()))
                    .upstream(target).build();
            ServerConfig next = before.withRoutes(main(target, 1), taken);

            RelayStartException e = assertThrows(RelayStartException.class, () -> relay.server().reload(next));
            assertTrue(e.getMessage().contains("address already in use"), e.getMessage());

            assertEquals(before, relay.server().config());
            for (String route : List.of("main", "extra-1")) {
                try (SocketChannel client = Loopback.connect(relay.address(route))) {
                    assertEquals(7, Loopback.greeting(client), route + " still serves");
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.relay.core.testing.TestTransports#available")
    void aRemovedRouteStopsAcceptingAndItsConnectionsDrain(TransportKind transport) throws Exception {
        try (PlainServer upstream = Loopback.identityServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 7);
             TestRelay relay = TestRelay.start(ServerConfig.of(main(Loopback.endpoint(upstream.address()), 0),
                     extra(Loopback.endpoint(upstream.address()), 1)).with(transport, 2, Duration.ofMillis(500)));
             SocketChannel client = Loopback.connect(relay.address("extra-1"))) {
            var extraAddress = relay.address("extra-1");
            assertEquals(7, Loopback.greeting(client));

            ReloadResult result = relay.server().reload(relay.server().config()
                    .withRoutes(main(Loopback.endpoint(upstream.address()), 0)));
            assertEquals(List.of("extra-1"), result.removed());
            assertThrows(IOException.class, () -> Loopback.connect(extraAddress).close(), "no longer accepting");

            byte[] hello = "still here".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            Loopback.writeFully(client, hello);
            assertTrue(Arrays.equals(hello, Loopback.readExactly(client, hello.length)), "open ones keep flowing");

            ConnectionSummary summary = relay.awaitClosed(1, Duration.ofSeconds(10));
            assertEquals("route_removed", summary.reason().label(), "closed once the drain time ran out");
        }
    }
}
