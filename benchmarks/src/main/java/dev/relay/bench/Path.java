package dev.relay.bench;

import dev.relay.core.RelayServer;
import dev.relay.core.config.AdminConfig;
import dev.relay.core.config.Endpoint;
import dev.relay.core.config.RelayConfig;
import dev.relay.core.config.ServerConfig;
import dev.relay.core.base.Direction;
import dev.relay.core.config.Toxic;
import dev.relay.core.toxic.ToxicSet;
import dev.relay.core.config.ToxicType;
import dev.relay.core.config.TransportKind;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.Map;

/**
 * What a benchmark's client talks through: {@code direct} is the baseline (straight to the server), the others are
 * relay on one transport. Every benchmark runs the baseline beside the relay in the same run.
 */
final class Path implements AutoCloseable {


    private final RelayServer relay;
    private final SocketAddress address;
    private final MetricsScraper scraper;

    private Path(RelayServer relay, SocketAddress address, MetricsScraper scraper) {
        this.relay = relay;
        this.address = address;
        this.scraper = scraper;
    }

    /**
     * {@code direct}, or {@code relay-TRANSPORT} (relay-nio, relay-epoll, relay-io_uring, relay-auto), with options
     * after a {@code +}: {@code +metrics} turns the admin listener on and scrapes it every second, as Prometheus
     * would; {@code +toxic} puts a {@code latency 0} toxic on both directions, the cost of the toxic machinery;
     * {@code +nosplice} keeps epoll on the ByteBuf path (relay-epoll alone splices, its default).
     */
    static Path open(String name, InetSocketAddress server) {
        if (name.equals("direct")) {
            return new Path(null, server, null);
        }
        if (!name.startsWith("relay-")) {
            throw new IllegalArgumentException("unknown path " + name
                    + " (expected: direct or relay-TRANSPORT[+metrics][+toxic][+nosplice])");
        }
        String[] parts = name.substring("relay-".length()).split("\\+");
        List<String> options = List.of(parts).subList(1, parts.length);
        RelayConfig config = RelayConfig.builder(Endpoint.parse("127.0.0.1:0"),
                        Endpoint.parse("127.0.0.1:" + server.getPort()))
                .transport(TransportKind.parse(parts[0]))
                .ioThreads(1)
                .build();
        ServerConfig serverConfig = config.toServerConfig().withSplice(!options.contains("nosplice"));
        boolean scraped = options.contains("metrics");
        if (scraped) {
            serverConfig = serverConfig.withAdmin(new AdminConfig(Endpoint.parse("127.0.0.1:0"), null));
        }
        RelayServer relay = RelayServer.start(serverConfig);
        if (options.contains("toxic")) {
            ToxicSet toxics = relay.routes().get(RelayConfig.DEFAULT_ROUTE_NAME).toxics();
            for (Direction direction : Direction.values()) {
                toxics.add(Toxic.of(ToxicType.LATENCY, direction, Map.of("latency", 0L)));
            }
        }
        return new Path(relay, relay.localAddress(), scraped ? MetricsScraper.start(relay.adminAddress()) : null);
    }

    SocketAddress address() {
        return address;
    }

    @Override
    public void close() {
        if (scraper != null) {
            scraper.close();
        }
        if (relay != null) {
            relay.close();
        }
    }
}
