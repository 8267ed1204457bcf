package dev.relay.core;

import dev.relay.core.config.ConfigException;
import dev.relay.core.config.Endpoint;
import dev.relay.core.config.RouteConfig;
import dev.relay.core.config.ServerConfig;
import dev.relay.core.config.Toxic;
import dev.relay.core.toxic.ToxicSet;
import dev.relay.core.config.TransportKind;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A relay for tests, in-process: routes to the services a test talks to, toxics to make them misbehave, and
 * {@link #down}/{@link #up} to take a route away and bring it back on the same port.
 *
 * <pre>{@code
 * try (EmbeddedRelay relay = EmbeddedRelay.builder()
 *         .route("db", "127.0.0.1:5432")                     // listens on 127.0.0.1, a free port
 *         .toxic("db", Toxic.of(ToxicType.LATENCY, Direction.DOWNSTREAM, Map.of("latency", 100L)))
 *         .start()) {
 *     InetSocketAddress db = relay.address("db");             // point the code under test here
 * }
 * }</pre>
 */
public final class EmbeddedRelay implements AutoCloseable {

    private final RelayServer server;
    private final Map<String, RouteConfig> routes;
    private final Map<String, Boolean> up = new LinkedHashMap<>();

    private EmbeddedRelay(RelayServer server, Map<String, RouteConfig> routes) {
        this.server = server;
        this.routes = routes;
        routes.keySet().forEach(name -> up.put(name, true));
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Where {@code route} listens; while it is {@link #down}, where it will listen again, so a test can build
     * its client before the route comes up (as with a disabled Toxiproxy proxy).
     */
    public synchronized InetSocketAddress address(String route) {
        RouteConfig config = known(route);
        if (!up.get(route) && config.listen().get(0) instanceof Endpoint.Inet pinned) {
            return new InetSocketAddress(pinned.host(), pinned.port());
        }
        return (InetSocketAddress) server.localAddresses(config.name()).get(0);
    }

    /** The route's toxics, to add, change or remove while the test runs; a route that is down has none. */
    public synchronized ToxicSet toxics(String route) {
        known(route);
        if (!up.get(route)) {
            throw new IllegalStateException("route " + route + " is down: bring it up before giving it toxics");
        }
        var udp = server.udpRoutes().get(route);
        return udp != null ? udp.toxics() : server.routes().get(route).toxics();
    }

    /** Takes the route away: its port refuses new connections and its open ones are cut (Toxiproxy's "down"). */
    public synchronized void down(String route) {
        RouteConfig config = known(route);
        if (!up.get(route)) {
            return;
        }
        // Pinned to the port it has now, so that up() brings it back where the test points.
        routes.put(route, config.toBuilder().clearListen()
                .listen(Endpoint.parse("127.0.0.1:" + address(route).getPort())).build());
        up.put(route, false);
        apply();
    }

    /** Brings the route back, on the same port, with no toxics. */
    public synchronized void up(String route) {
        known(route);
        up.put(route, true);
        apply();
    }

    /** Removes every toxic and brings every route back: what a test class does between tests. */
    public synchronized void reset() {
        up.replaceAll((name, isUp) -> true);
        apply();
        server.routes().values().forEach(r -> r.toxics().clear());
        server.udpRoutes().values().forEach(r -> r.toxics().clear());
    }

    public RelayServer server() {
        return server;
    }

    private void apply() {
        List<RouteConfig> running = new ArrayList<>();
        routes.forEach((name, config) -> {
            if (up.get(name)) {
                running.add(config);
            }
        });
        server.reload(server.config().withRoutes(running));
    }

    private RouteConfig known(String route) {
        RouteConfig config = routes.get(route);
        if (config == null) {
            throw new ConfigException("no route named " + route + " (known: " + routes.keySet() + ")");
        }
        return config;
    }

    @Override
    public void close() {
        server.close();
    }

    /** Routes and toxics first, then {@link #start()}. */
    public static final class Builder {
        private final Map<String, RouteConfig> routes = new LinkedHashMap<>();
        private final Map<String, List<Toxic>> toxics = new LinkedHashMap<>();
        private TransportKind transport = TransportKind.AUTO;

        private Builder() {
        }

        /** A route listening on 127.0.0.1 (a free port) and relaying to {@code upstream} ({@code HOST:PORT}). */
        public Builder route(String name, String upstream) {
            return route(RouteConfig.builder(name).listen(Endpoint.parse("127.0.0.1:0"))
                    .upstream(Endpoint.parse(upstream)).connectRetries(0).build());
        }

        /** A route configured in full. */
        public Builder route(RouteConfig route) {
            routes.put(route.name(), route);
            return this;
        }

        public Builder toxic(String route, Toxic toxic) {
            toxics.computeIfAbsent(route, r -> new ArrayList<>()).add(toxic);
            return this;
        }

        public Builder transport(TransportKind value) {
            transport = value;
            return this;
        }

        /** Binds every route and returns the running relay; the toxics are in place before the first client. */
        public EmbeddedRelay start() {
            for (String route : toxics.keySet()) {
                if (!routes.containsKey(route)) {
                    throw new ConfigException("a toxic names route " + route + ", which is not there");
                }
            }
            // Tests want connections cut at once when a route goes down: no drain time.
            RelayServer server = RelayServer.start(ServerConfig.of(routes.values().toArray(RouteConfig[]::new))
                    .with(transport, 2, Duration.ZERO)
                    // Toxics reach connections already open, which a spliced one (bytes never in the JVM) could not.
                    .withSplice(false));
            EmbeddedRelay relay = new EmbeddedRelay(server, new LinkedHashMap<>(routes));
            toxics.forEach((route, list) -> list.forEach(t -> relay.toxics(route).add(t)));
            return relay;
        }
    }
}
