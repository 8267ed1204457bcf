package dev.relay.core;

import dev.relay.core.config.Endpoint;
import dev.relay.core.config.RouteConfig;
import dev.relay.core.config.ServerConfig;
import dev.relay.core.testing.Loopback;
import dev.relay.core.testing.PlainServer;
import dev.relay.core.testing.SocketStates;
import dev.relay.core.testing.TestRelay;
import dev.relay.core.config.TransportKind;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** reuse_port: one listening socket per event loop on the same port, every one of them serving. */
class ReusePortTest {

    private static final int IO_THREADS = 3;
    private static final int CLIENTS = 30;

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.relay.core.testing.TestTransports#available")
    void eachEventLoopListensOnTheSamePort(TransportKind transport) throws Exception {
        try (PlainServer upstream = Loopback.identityServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 7);
             TestRelay relay = TestRelay.start(ServerConfig.of(RouteConfig.builder("r")
                             .listen(Endpoint.parse("127.0.0.1:0"))
                             .upstream(Loopback.endpoint(upstream.address())).build())
                     .with(transport, IO_THREADS, Duration.ofSeconds(2)).withReusePort(true))) {
            int port = ((InetSocketAddress) relay.address()).getPort();
            assertEquals(IO_THREADS, SocketStates.listeningOn(port));
            for (int i = 0; i < CLIENTS; i++) {
                try (SocketChannel client = Loopback.connect(relay.address())) {
                    assertEquals(7, Loopback.greeting(client));
                }
            }
            relay.server().close();
            assertEquals(0, SocketStates.listeningOn(port), "every copy closed on stop");
        }
    }
}
