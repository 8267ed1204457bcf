package dev.relay.core.udp;

import dev.relay.core.base.Direction;
import dev.relay.core.config.ConfigException;
import dev.relay.core.config.Endpoint;
import dev.relay.core.config.TransportKind;
import dev.relay.core.config.UpstreamConfig;
import dev.relay.core.tools.EchoConfig;
import dev.relay.core.tools.UdpEchoServer;
import dev.relay.core.config.Toxic;
import dev.relay.core.toxic.ToxicSet;
import dev.relay.core.config.ToxicType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Toxics on a UDP route: loss, duplicates and delay per datagram, on every transport. */
class UdpToxicsTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.relay.core.testing.TestTransports#available")
    void dropLosesAboutItsShareOfDatagramsAndAllWithToxicityOne(TransportKind transport) throws Exception {
        try (UdpEchoServer echo = echo(transport); UdpRelayUnderTest relay = relay(transport, echo);
             DatagramSocket client = client()) {
            send(client, relay, "open the session");
            assertEquals("open the session", receive(client));
            relay.route().toxics().add(new Toxic("loss", ToxicType.DROP, Direction.UPSTREAM, 0.3, Map.of()));
            int sent = 1_000;
            for (int i = 0; i < sent; i++) {
                send(client, relay, "d" + i);
                if (i % 50 == 49) {
                    // In bursts the loopback could drop too; pace by waiting for the relay to have seen them.
                    int seen = i + 2;
                    await().pollInterval(Duration.ofMillis(5)).atMost(Duration.ofSeconds(5)).until(() -> relay.counters().datagramsUp()
                            + relay.counters().dropped(UdpDrop.TOXIC) == seen);
                }
            }
            long lost = relay.counters().dropped(UdpDrop.TOXIC);
            assertTrue(lost > 220 && lost < 380, "about 30% of 1,000 lost, got " + lost);
            assertEquals(sent + 1 - lost, relay.counters().datagramsUp());
            // Every echo back before the next toxic, which would take the late ones too: wait until the echoes stop
            // coming (a busy loopback may lose one of them on the way, which is not what this test is about).
            long[] lastDown = {-1};
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() -> {
                long down = relay.counters().datagramsDown();
                boolean settled = down == lastDown[0];
                lastDown[0] = down;
                return settled && down > 0;
            });
            drain(client);

            relay.route().toxics().clear();
            relay.route().toxics().add(new Toxic("blackhole", ToxicType.DROP, Direction.DOWNSTREAM, 1.0, Map.of()));
            send(client, relay, "into the void");
            await().atMost(Duration.ofSeconds(5)).until(() -> relay.counters().dropped(UdpDrop.TOXIC) == lost + 1);
            client.setSoTimeout(200);
            assertThrows(SocketTimeoutException.class, () -> receive(client), "the reply is lost");
            client.setSoTimeout(5_000);
            relay.route().toxics().remove("blackhole");
            send(client, relay, "back");
            assertEquals("back", receive(client));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.relay.core.testing.TestTransports#available")
    void duplicateSendsTwiceAndLatencyHoldsEachDatagram(TransportKind transport) throws Exception {
        try (UdpEchoServer echo = echo(transport); UdpRelayUnderTest relay = relay(transport, echo);
             DatagramSocket client = client()) {
            ToxicSet toxics = relay.route().toxics();
            toxics.add(new Toxic("twice", ToxicType.DUPLICATE, Direction.DOWNSTREAM, 1.0, Map.of()));
            send(client, relay, "echo echo");
            assertEquals("echo echo", receive(client));
            assertEquals("echo echo", receive(client), "the same datagram a second time");
            toxics.clear();

            toxics.add(Toxic.of(ToxicType.LATENCY, Direction.UPSTREAM, Map.of("latency", 150L)));
            long start = System.nanoTime();
            send(client, relay, "slow");
            assertEquals("slow", receive(client));
            long tookMillis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(tookMillis >= 150, "held for the latency at least, took " + tookMillis + "ms");
        }
    }

    @Test
    void aToxicForStreamsIsRefusedOnAUdpRouteAndDropOnATcpRoute() {
        ToxicSet udp = new ToxicSet(true);
        ConfigException slicer = assertThrows(ConfigException.class, () -> udp.add(Toxic.of(ToxicType.SLICER,
                Direction.UPSTREAM, Map.of())));
        assertTrue(slicer.getMessage().contains("slicer is for TCP routes"), slicer.getMessage());
        ConfigException drop = assertThrows(ConfigException.class, () -> new ToxicSet().add(Toxic.of(ToxicType.DROP,
                Direction.UPSTREAM, Map.of())));
        assertTrue(drop.getMessage().contains("drop is for UDP routes"), drop.getMessage());
    }

    private static UdpEchoServer echo(TransportKind transport) {
        return UdpEchoServer.start(new EchoConfig(new Endpoint.Inet("127.0.0.1", 0), null, transport));
    }

    private static UdpRelayUnderTest relay(TransportKind transport, UdpEchoServer echo) {
        return UdpRelayUnderTest.start(transport, 0, r -> r.upstream(
                UpstreamConfig.of(new Endpoint.Inet("127.0.0.1", echo.localAddress().getPort()))));
    }

    private static DatagramSocket client() throws IOException {
        DatagramSocket socket = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
        socket.setSoTimeout(5_000);
        socket.setReceiveBufferSize(1 << 20);
        return socket;
    }

    /** Reads and forgets every reply already there. */
    private static void drain(DatagramSocket client) throws IOException {
        client.setSoTimeout(100);
        try {
            while (true) {
                receive(client);
            }
        } catch (SocketTimeoutException e) {
            client.setSoTimeout(5_000);
        }
    }

    private static void send(DatagramSocket client, UdpRelayUnderTest relay, String text) throws IOException {
        byte[] data = text.getBytes(StandardCharsets.UTF_8);
        client.send(new DatagramPacket(data, data.length, relay.localAddress()));
    }

    private static String receive(DatagramSocket client) throws IOException {
        byte[] buffer = new byte[2048];
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        client.receive(packet);
        return new String(buffer, 0, packet.getLength(), StandardCharsets.UTF_8);
    }
}
