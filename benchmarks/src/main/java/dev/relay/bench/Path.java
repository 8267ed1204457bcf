package dev.relay.bench;

import dev.relay.core.RelayServer;
import dev.relay.core.config.AdminConfig;
import dev.relay.core.config.Endpoint;
import dev.relay.core.config.RelayConfig;
import dev.relay.core.config.ServerConfig;
import dev.relay.core.transport.TransportKind;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * What a benchmark's client talks through: {@code direct} is the baseline (straight to the server), the others are
 * relay on one transport. Every benchmark runs the baseline beside the relay in the same run.
 */
final class Path implements AutoCloseable {

    private static final String SCRAPED = "+metrics";

    private final RelayServer relay;
    private final SocketAddress address;
    private final MetricsScraper scraper;

    private Path(RelayServer relay, SocketAddress address, MetricsScraper scraper) {
        this.relay = relay;
        this.address = address;
        this.scraper = scraper;
    }

    /**
     * {@code direct}, or {@code relay-TRANSPORT} (relay-nio, relay-epoll, relay-io_uring, relay-auto), optionally
     * with {@code +metrics}: the admin listener on and scraped every second, as Prometheus would.
     */
    static Path open(String name, InetSocketAddress server) {
        if (name.equals("direct")) {
            return new Path(null, server, null);
        }
        if (!name.startsWith("relay-")) {
            throw new IllegalArgumentException("unknown path " + name
                    + " (expected: direct or relay-TRANSPORT[+metrics])");
        }
        boolean scraped = name.endsWith(SCRAPED);
        String kind = name.substring("relay-".length(), name.length() - (scraped ? SCRAPED.length() : 0));
        RelayConfig config = RelayConfig.builder(Endpoint.parse("127.0.0.1:0"),
                        Endpoint.parse("127.0.0.1:" + server.getPort()))
                .transport(TransportKind.parse(kind))
                .ioThreads(1)
                .build();
        ServerConfig serverConfig = config.toServerConfig();
        if (scraped) {
            serverConfig = serverConfig.withAdmin(new AdminConfig(Endpoint.parse("127.0.0.1:0"), null));
        }
        RelayServer relay = RelayServer.start(serverConfig);
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
