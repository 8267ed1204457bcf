package dev.relay.core.testing;

import dev.relay.core.RelayHooks;
import dev.relay.core.RelayServer;
import dev.relay.core.config.Endpoint;
import dev.relay.core.config.RelayConfig;
import dev.relay.core.config.RouteConfig;
import dev.relay.core.config.ServerConfig;
import dev.relay.core.proxy.ConnectionSummary;
import dev.relay.core.config.TransportKind;

import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

import static org.awaitility.Awaitility.await;

/** A relay started for one test, with every finished connection's summary kept for assertions. */
public final class TestRelay implements AutoCloseable {

    private final RelayServer server;
    private final List<ConnectionSummary> closed;

    private TestRelay(RelayServer server, List<ConnectionSummary> closed) {
        this.server = server;
        this.closed = closed;
    }

    public static TestRelay start(TransportKind transport, Endpoint listen, Endpoint target) {
        return start(transport, listen, target, UnaryOperator.identity(), RelayHooks.DEFAULT);
    }

    public static TestRelay start(TransportKind transport, Endpoint listen, Endpoint target,
                                  UnaryOperator<RelayConfig.Builder> tweak) {
        return start(transport, listen, target, tweak, RelayHooks.DEFAULT);
    }

    public static TestRelay start(TransportKind transport, Endpoint listen, Endpoint target,
                                  UnaryOperator<RelayConfig.Builder> tweak, RelayHooks hooks) {
        List<ConnectionSummary> closed = new CopyOnWriteArrayList<>();
        RelayConfig config = tweak.apply(RelayConfig.builder(listen, target)
                .transport(transport)
                .ioThreads(2)
                .drainTimeout(Duration.ofSeconds(2))).build();
        RelayServer server = RelayServer.start(asTestsAsk(config.toServerConfig()), hooks.withOnClosed(closed::add));
        return new TestRelay(server, closed);
    }

    /** A relay running {@code routes} on {@code transport}, two loops, a 2 s drain. */
    public static TestRelay start(TransportKind transport, RouteConfig... routes) {
        return start(transport, true, routes);
    }

    /** The same, with splicing allowed (relay's default; it applies on epoll) or not. */
    public static TestRelay start(TransportKind transport, boolean splice, RouteConfig... routes) {
        return start(ServerConfig.of(routes).with(transport, 2, Duration.ofSeconds(2)).withSplice(splice));
    }

    public static TestRelay start(ServerConfig config) {
        List<ConnectionSummary> closed = new CopyOnWriteArrayList<>();
        RelayServer server = RelayServer.start(asTestsAsk(config), RelayHooks.DEFAULT.withOnClosed(closed::add));
        return new TestRelay(server, closed);
    }

    /**
     * {@code -Drelay.test.splice=false} turns splicing off in every relay a test starts, so that a second test run
     * (relay-core's pom has one) puts the integration tests through Netty's own channels on epoll as well.
     */
    private static ServerConfig asTestsAsk(ServerConfig config) {
        boolean spliceAllowed = Boolean.parseBoolean(System.getProperty("relay.test.splice", "true"));
        return spliceAllowed ? config : config.withSplice(false);
    }

    /** Where {@code route}'s first listener is bound. */
    public SocketAddress address(String route) {
        return server.localAddresses(route).get(0);
    }

    public RelayServer server() {
        return server;
    }

    public SocketAddress address() {
        return server.localAddress();
    }

    public List<ConnectionSummary> closed() {
        return closed;
    }

    /** Waits until {@code count} connections have finished, and returns the last one. */
    public ConnectionSummary awaitClosed(int count, Duration within) {
        await().atMost(within).until(() -> closed.size() >= count);
        return closed.get(count - 1);
    }

    /** Waits until no connection is open. */
    public void awaitIdle(Duration within) {
        await().atMost(within).until(() -> server.connections().size() == 0);
    }

    @Override
    public void close() {
        server.close();
    }
}
