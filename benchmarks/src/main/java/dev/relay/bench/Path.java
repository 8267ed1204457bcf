package dev.relay.bench;

import dev.relay.core.RelayServer;
import dev.relay.core.config.Endpoint;
import dev.relay.core.config.RelayConfig;
import dev.relay.core.transport.TransportKind;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * What a benchmark's client talks through: {@code direct} is the baseline (straight to the server), the others are
 * relay on one transport. Every benchmark runs the baseline beside the relay in the same run.
 */
final class Path implements AutoCloseable {

    private final RelayServer relay;
    private final SocketAddress address;

    private Path(RelayServer relay, SocketAddress address) {
        this.relay = relay;
        this.address = address;
    }

    /** {@code direct}, or {@code relay-TRANSPORT} (relay-nio, relay-epoll, relay-io_uring, relay-auto). */
    static Path open(String name, InetSocketAddress server) {
        if (name.equals("direct")) {
            return new Path(null, server);
        }
        if (!name.startsWith("relay-")) {
            throw new IllegalArgumentException("unknown path " + name + " (expected: direct or relay-TRANSPORT)");
        }
        TransportKind transport = TransportKind.parse(name.substring("relay-".length()));
        RelayConfig config = RelayConfig.builder(Endpoint.parse("127.0.0.1:0"),
                        Endpoint.parse("127.0.0.1:" + server.getPort()))
                .transport(transport)
                .ioThreads(1)
                .build();
        RelayServer relay = RelayServer.start(config);
        return new Path(relay, relay.localAddress());
    }

    SocketAddress address() {
        return address;
    }

    @Override
    public void close() {
        if (relay != null) {
            relay.close();
        }
    }
}
