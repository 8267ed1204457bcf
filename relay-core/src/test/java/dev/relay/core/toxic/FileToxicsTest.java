package dev.relay.core.toxic;

import dev.relay.core.base.Direction;
import dev.relay.core.config.Cidr;
import dev.relay.core.config.Endpoint;
import dev.relay.core.config.RouteConfig;
import dev.relay.core.config.ServerConfig;
import dev.relay.core.config.Toxic;
import dev.relay.core.config.ToxicSchedule;
import dev.relay.core.config.ToxicType;
import dev.relay.core.config.TransportKind;
import dev.relay.core.testing.Family;
import dev.relay.core.testing.Loopback;
import dev.relay.core.testing.PlainServer;
import dev.relay.core.testing.TestRelay;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Toxics a route's config declares: for some clients only, on a schedule, and changed by a reload under traffic,
 * on every transport.
 */
class FileToxicsTest {

    private static PlainServer echo() throws IOException {
        return Loopback.identityServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 7);
    }

    private static RouteConfig.Builder route(PlainServer upstream) {
        return RouteConfig.builder("r").listen(Endpoint.parse("127.0.0.1:0"))
                .upstream(Loopback.endpoint(upstream.address()));
    }

    /** Splicing off, as in relay toxiproxy and EmbeddedRelay: a reload's toxics reach connections already open. */
    private static TestRelay relay(TransportKind transport, RouteConfig route) {
        return TestRelay.start(ServerConfig.of(route).with(transport, 2, Duration.ofSeconds(2)).withSplice(false));
    }

    /** Whether a new connection is served: its greeting arrives (true), or it is reset or closed (false). */
    private static boolean served(SocketAddress at) {
        try (SocketChannel client = Loopback.connect(at)) {
            return Loopback.greeting(client) == 7;
        } catch (IOException e) {
            return false;
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.relay.core.testing.TestTransports#available")
    void aToxicForSomeClientsLeavesTheOthersAlone(TransportKind transport) throws Exception {
        Assumptions.assumeTrue(Family.IPV6.available(), "no ::1 here");
        // The noisy neighbour: the client on ::1 is refused, the one on 127.0.0.1 is served, side by side.
        try (PlainServer upstream = echo(); TestRelay relay = relay(transport, route(upstream)
                .listen(Endpoint.parse("[::1]:0"))
                .toxic(new Toxic("refuse-v6", ToxicType.REJECT, Direction.DOWNSTREAM, 1.0, Map.of())
                        .forClients(Cidr.parse("::1/128")))
                .build())) {
            List<SocketAddress> listening = relay.server().localAddresses("r");
            for (int i = 0; i < 5; i++) {
                assertTrue(served(listening.get(0)), "127.0.0.1 is not in the toxic's clients");
                assertEquals(false, served(listening.get(1)), "::1 is");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.relay.core.testing.TestTransports#available")
    void aScheduledToxicTurnsOnAndOffOnTime(TransportKind transport) throws Exception {
        ToxicSchedule window = new ToxicSchedule(Duration.ofMillis(600), Duration.ofMillis(600), Duration.ZERO);
        try (PlainServer upstream = echo(); TestRelay relay = relay(transport, route(upstream)
                .toxic(new Toxic("outage", ToxicType.REJECT, Direction.DOWNSTREAM, 1.0, Map.of()).on(window))
                .build())) {
            long set = System.nanoTime(); // the toxic was set at the start, a moment before this
            long firstRefused = -1;
            long servedAgain = -1;
            for (int i = 0; i < 400 && servedAgain < 0; i++) {
                long before = System.nanoTime();
                boolean served = served(relay.address());
                long at = (before - set) / 1_000_000;
                if (!served && firstRefused < 0) {
                    firstRefused = at;
                } else if (served && firstRefused >= 0) {
                    servedAgain = at;
                }
                long next = before + 10_000_000;
                await().pollInterval(Duration.ofMillis(1)).until(() -> System.nanoTime() >= next);
            }
            assertTrue(Math.abs(firstRefused - 600) <= 100, "on at 600 ms, was at " + firstRefused);
            assertTrue(Math.abs(servedAgain - 1200) <= 100, "off at 1,200 ms, was at " + servedAgain);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.relay.core.testing.TestTransports#available")
    void aReloadAddsAndRemovesFileToxicsOnAnOpenConnection(TransportKind transport) throws Exception {
        try (PlainServer upstream = echo(); TestRelay relay = relay(transport, route(upstream).build());
             SocketChannel client = Loopback.connect(relay.address())) {
            assertEquals(7, Loopback.greeting(client));
            RouteConfig plain = relay.server().config().route("r").orElseThrow();
            ByteArrayOutputStream sent = new ByteArrayOutputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            for (int round = 0; round < 6; round++) {
                if (round == 2) {
                    relay.server().reload(relay.server().config().withRoutes(plain.toBuilder()
                            .toxic(Toxic.of(ToxicType.LATENCY, Direction.UPSTREAM, Map.of("latency", 100L)))
                            .toxic(Toxic.of(ToxicType.SLICER, Direction.DOWNSTREAM, Map.of("average_size", 3L)))
                            .build()));
                    SocketChannel open = client;
                    await().atMost(Duration.ofSeconds(10)).until(() -> relay.server().connections().connections()
                            .iterator().next().client().pipeline().get("relay-toxic") != null || !open.isOpen());
                }
                if (round == 4) {
                    relay.server().reload(relay.server().config().withRoutes(plain));
                }
                byte[] chunk = ("round " + round + " through the toxics, or not").getBytes(StandardCharsets.UTF_8);
                Loopback.writeFully(client, chunk);
                sent.write(chunk);
                got.write(Loopback.readExactly(client, chunk.length));
            }
            assertArrayEquals(sent.toByteArray(), got.toByteArray(), "every byte, in order, on the one connection");
            assertEquals(1, relay.server().connections().size(), "the connection lived through both reloads");
            assertTrue(relay.server().routes().get("r").toxics().isEmpty(), "the file's toxics are gone");
        }
    }
}
