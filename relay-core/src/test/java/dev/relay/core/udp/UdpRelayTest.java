package dev.relay.core.udp;

import dev.relay.core.config.Endpoint;
import dev.relay.core.config.ProxyProtocolConfig;
import dev.relay.core.config.RouteConfig;
import dev.relay.core.config.RouteLimits;
import dev.relay.core.config.RouteTimeouts;
import dev.relay.core.config.SendProxy;
import dev.relay.core.config.TransportKind;
import dev.relay.core.config.UdpOptions;
import dev.relay.core.tools.EchoConfig;
import dev.relay.core.tools.UdpEchoServer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Datagrams through a real UDP relay on loopback, to a real echo server, on every transport. */
class UdpRelayTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    /** The largest payload an IPv4 UDP datagram carries. */
    private static final int LARGEST = 65_507;
    private static final ProxyProtocolConfig ACCEPT_PROXY =
            new ProxyProtocolConfig(true, List.of(), ProxyProtocolConfig.DEFAULT_TIMEOUT);

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.relay.core.testing.TestTransports#available")
    void eachOfManyClientsGetsOnlyItsOwnReplies(TransportKind transport) throws Exception {
        try (UdpEchoServer echo = echo(transport); UdpRelayUnderTest relay = relay(transport, echo, UnaryOperator.identity())) {
            List<DatagramSocket> clients = new ArrayList<>();
            try {
                for (int c = 0; c < 20; c++) {
                    clients.add(client());
                }
                for (int round = 0; round < 10; round++) {
                    for (int c = 0; c < clients.size(); c++) {
                        send(clients.get(c), relay, ("client " + c + " datagram " + round).getBytes(StandardCharsets.UTF_8));
                    }
                }
                for (int c = 0; c < clients.size(); c++) {
                    List<String> got = new ArrayList<>();
                    for (int round = 0; round < 10; round++) {
                        got.add(new String(receive(clients.get(c)), StandardCharsets.UTF_8));
                    }
                    for (int round = 0; round < 10; round++) {
                        assertTrue(got.contains("client " + c + " datagram " + round), "client " + c + " got " + got);
                    }
                }
                assertEquals(20, relay.counters().sessionsOpened(), "one session per client address");
                assertEquals(200, relay.counters().datagramsUp());
                await().atMost(Duration.ofSeconds(5)).until(() -> relay.counters().datagramsDown() == 200);
            } finally {
                clients.forEach(DatagramSocket::close);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.relay.core.testing.TestTransports#available")
    void everyDatagramComesBackWholeFromOneByteToTheLargest(TransportKind transport) throws Exception {
        try (UdpEchoServer echo = echo(transport); UdpRelayUnderTest relay = relay(transport, echo, UnaryOperator.identity());
             DatagramSocket client = client()) {
            Random random = new Random(7);
            for (int size : new int[]{1, 2, 100, 1_472, 1_473, 9_000, 32_768, LARGEST}) {
                byte[] sent = new byte[size];
                random.nextBytes(sent);
                send(client, relay, sent);
                assertArrayEquals(sent, receive(client), "a datagram of " + size + " bytes, neither cut nor merged");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.relay.core.testing.TestTransports#available")
    void aBurstReadInBatchesKeepsEveryDatagramWholeAndApart(TransportKind transport) throws Exception {
        // 1,400-byte slots: on epoll one recvmmsg reads up to 16 datagrams into one buffer.
        try (UdpEchoServer echo = echo(transport);
             UdpRelayUnderTest relay = relay(transport, echo, r -> r.udp(UdpOptions.DEFAULT.withMaxDatagramSize(1_400)));
             DatagramSocket client = client()) {
            send(client, relay, "open".getBytes(StandardCharsets.UTF_8));
            receive(client);
            Random random = new Random(11);
            List<String> sent = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                byte[] data = new byte[1 + random.nextInt(1_400)];
                random.nextBytes(data);
                sent.add(Arrays.toString(data));
                send(client, relay, data);
            }
            List<String> got = new ArrayList<>();
            for (int i = 0; i < sent.size(); i++) {
                got.add(Arrays.toString(receive(client)));
            }
            assertEquals(sent.stream().sorted().toList(), got.stream().sorted().toList(), "each whole, none merged");
            send(client, relay, new byte[1_401]);
            await().atMost(Duration.ofSeconds(5)).until(() -> relay.counters().dropped(UdpDrop.OVERSIZE) == 1);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.relay.core.testing.TestTransports#available")
    void anIdleSessionEndsAndItsSocketCloses(TransportKind transport) throws Exception {
        try (UdpEchoServer echo = echo(transport);
             UdpRelayUnderTest relay = relay(transport, echo, r -> r.timeouts(new RouteTimeouts(RouteTimeouts.DEFAULT_CONNECT, Duration.ofMillis(200), Duration.ZERO)));
             DatagramSocket client = client()) {
            long descriptorsBefore = openDescriptors();
            send(client, relay, "hello".getBytes(StandardCharsets.UTF_8));
            assertEquals("hello", new String(receive(client), StandardCharsets.UTF_8));
            await().atMost(Duration.ofSeconds(5)).until(() -> relay.openSessions() == 0);
            assertEquals(0, relay.counters().sessionsOpen());
            await().atMost(Duration.ofSeconds(5)).until(() -> openDescriptors() <= descriptorsBefore);
            send(client, relay, "again".getBytes(StandardCharsets.UTF_8));
            assertEquals("again", new String(receive(client), StandardCharsets.UTF_8), "a new session serves it");
            assertEquals(2, relay.counters().sessionsOpened());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.relay.core.testing.TestTransports#available")
    void aSessionEndsAtItsResponsesLongBeforeItsIdleTimeout(TransportKind transport) throws Exception {
        try (UdpEchoServer echo = echo(transport); UdpRelayUnderTest relay = relay(transport, echo, r -> r.udp(UdpOptions.DEFAULT.withResponses(1)));
             DatagramSocket client = client()) {
            send(client, relay, "query".getBytes(StandardCharsets.UTF_8));
            assertEquals("query", new String(receive(client), StandardCharsets.UTF_8));
            await().atMost(Duration.ofSeconds(5)).until(() -> relay.openSessions() == 0);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.relay.core.testing.TestTransports#available")
    void aClientPastItsRequestsStartsANewSession(TransportKind transport) throws Exception {
        try (UdpEchoServer echo = echo(transport); UdpRelayUnderTest relay = relay(transport, echo, r -> r.udp(UdpOptions.DEFAULT.withRequests(1)));
             DatagramSocket client = client()) {
            for (int i = 0; i < 3; i++) {
                send(client, relay, ("q" + i).getBytes(StandardCharsets.UTF_8));
                assertEquals("q" + i, new String(receive(client), StandardCharsets.UTF_8));
            }
            assertEquals(3, relay.counters().sessionsOpened());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.relay.core.testing.TestTransports#available")
    void oversizeDatagramsAreDroppedAndCounted(TransportKind transport) throws Exception {
        try (UdpEchoServer echo = echo(transport);
             UdpRelayUnderTest relay = relay(transport, echo, r -> r.udp(UdpOptions.DEFAULT.withMaxDatagramSize(100)));
             DatagramSocket client = client()) {
            send(client, relay, new byte[101]);
            await().atMost(Duration.ofSeconds(5)).until(() -> relay.counters().dropped(UdpDrop.OVERSIZE) == 1);
            send(client, relay, new byte[100]);
            assertEquals(100, receive(client).length, "the next datagram, at the limit, goes through");
            assertEquals(1, relay.counters().datagramsUp());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.relay.core.testing.TestTransports#available")
    void aNewClientPastMaxSessionsIsDroppedAndCounted(TransportKind transport) throws Exception {
        try (UdpEchoServer echo = echo(transport); UdpRelayUnderTest relay = relay(transport, echo, r -> r.limits(new RouteLimits(2, 0)));
             DatagramSocket first = client(); DatagramSocket second = client(); DatagramSocket third = client()) {
            for (DatagramSocket client : List.of(first, second)) {
                send(client, relay, "in".getBytes(StandardCharsets.UTF_8));
                assertEquals("in", new String(receive(client), StandardCharsets.UTF_8));
            }
            send(third, relay, "over".getBytes(StandardCharsets.UTF_8));
            await().atMost(Duration.ofSeconds(5)).until(() -> relay.counters().dropped(UdpDrop.LIMIT) == 1);
            assertEquals(2, relay.openSessions());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.relay.core.testing.TestTransports#available")
    void anUpstreamThatIsNotThereEndsTheSession(TransportKind transport) throws Exception {
        int closedPort;
        try (DatagramSocket reserved = new DatagramSocket(0, LOOPBACK)) {
            closedPort = reserved.getLocalPort();
        }
        try (UdpRelayUnderTest relay = UdpRelayUnderTest.start(transport, closedPort, UnaryOperator.identity());
             DatagramSocket client = client()) {
            send(client, relay, "anyone?".getBytes(StandardCharsets.UTF_8));
            await().atMost(Duration.ofSeconds(5)).until(() -> relay.counters().sessionsOpened() == 1
                    && relay.openSessions() == 0);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.relay.core.testing.TestTransports#available")
    void aProxyHeaderNamesTheClientToTheUpstreamAndIsReadBackByAnotherRelay(TransportKind transport) throws Exception {
        try (UdpEchoServer echo = echo(transport);
             UdpRelayUnderTest reader = relay(transport, echo, r -> r.proxyProtocol(ACCEPT_PROXY));
             UdpRelayUnderTest writer = UdpRelayUnderTest.start(transport, reader.localAddress().getPort(),
                     r -> r.sendProxy(SendProxy.V2));
             DatagramSocket first = client(); DatagramSocket second = client();
             DatagramSocket plain = client()) {
            for (DatagramSocket client : List.of(first, second, first)) {
                send(client, writer, "through two".getBytes(StandardCharsets.UTF_8));
                assertEquals("through two", new String(receive(client), StandardCharsets.UTF_8),
                        "the header went on and came off; the echo saw the bare datagram");
            }
            assertEquals(2, reader.counters().sessionsOpened(), "the reader keeps a session per client named");
            send(plain, reader, "no header".getBytes(StandardCharsets.UTF_8));
            await().atMost(Duration.ofSeconds(5)).until(() -> reader.counters().dropped(UdpDrop.BAD_PROXY_HEADER) == 1);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.relay.core.testing.TestTransports#available")
    void theUpstreamSeesTheClientsAddressAndPortInTheHeader(TransportKind transport) throws Exception {
        try (DatagramSocket upstream = client();
             UdpRelayUnderTest relay = UdpRelayUnderTest.start(transport, upstream.getLocalPort(),
                     r -> r.sendProxy(SendProxy.V2));
             DatagramSocket client = client()) {
            send(client, relay, "who am I".getBytes(StandardCharsets.UTF_8));
            byte[] got = receive(upstream);
            io.netty.buffer.ByteBuf datagram = io.netty.buffer.Unpooled.wrappedBuffer(got);
            assertEquals(new InetSocketAddress(LOOPBACK, client.getLocalPort()),
                    ProxyV2Datagrams.readSource(datagram, null));
            assertEquals("who am I", datagram.toString(StandardCharsets.UTF_8));
            assertEquals(0x12, got[13], "UDP over IPv4: the DGRAM transport");
        }
    }

    private static UdpEchoServer echo(TransportKind transport) {
        return UdpEchoServer.start(new EchoConfig(new Endpoint.Inet("127.0.0.1", 0), null, transport));
    }

    private static UdpRelayUnderTest relay(TransportKind transport, UdpEchoServer echo,
                                           UnaryOperator<RouteConfig.Builder> tune) {
        return UdpRelayUnderTest.start(transport, echo.localAddress().getPort(), tune);
    }

    private static DatagramSocket client() throws IOException {
        DatagramSocket socket = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
        socket.setSoTimeout(5_000);
        socket.setReceiveBufferSize(1 << 20);
        return socket;
    }

    private static void send(DatagramSocket client, UdpRelayUnderTest relay, byte[] data) throws IOException {
        client.send(new DatagramPacket(data, data.length, new InetSocketAddress(LOOPBACK, relay.localAddress().getPort())));
    }

    private static byte[] receive(DatagramSocket client) throws IOException {
        byte[] buffer = new byte[65_536];
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        client.receive(packet);
        return Arrays.copyOf(buffer, packet.getLength());
    }

    private static long openDescriptors() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }
}
