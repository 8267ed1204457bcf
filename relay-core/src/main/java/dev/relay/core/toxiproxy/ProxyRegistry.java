package dev.relay.core.toxiproxy;

import dev.relay.core.RelayServer;
import dev.relay.core.base.Addresses;
import dev.relay.core.config.Endpoint;
import dev.relay.core.config.RouteConfig;
import dev.relay.core.http.HttpError;
import dev.relay.core.proxy.RouteContext;
import dev.relay.core.config.Toxic;
import dev.relay.core.toxic.ToxicSet;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The proxies the Toxiproxy API knows, enabled or not, and how they become the relay's routes: every change is a
 * reload of the relay (which keeps every other proxy's connections open), then each route gets its proxy's toxics.
 * One caller at a time: the API's single worker.
 */
final class ProxyRegistry {

    /** A proxy as the API knows it; a disabled one has no route, so its port refuses. */
    static final class Proxy {
        final String name;
        String listen;
        String upstream;
        boolean enabled = true;
        final List<Toxic> toxics = new ArrayList<>();

        Proxy(String name, String listen, String upstream) {
            this.name = name;
            this.listen = listen;
            this.upstream = upstream;
        }
    }

    private final RelayServer relay;
    private final Map<String, Proxy> proxies = new LinkedHashMap<>();

    ProxyRegistry(RelayServer relay) {
        this.relay = relay;
    }

    Collection<Proxy> all() {
        return proxies.values();
    }

    /** The proxy named {@code name}, or null. */
    Proxy find(String name) {
        return proxies.get(name);
    }

    /** The proxy named {@code name}; Toxiproxy's 404 when there is none. */
    Proxy get(String name) {
        Proxy proxy = proxies.get(name);
        if (proxy == null) {
            throw new HttpError(404, "proxy not found");
        }
        return proxy;
    }

    Proxy create(String name, String listen, String upstream, boolean enabled) {
        if (proxies.containsKey(name)) {
            throw new HttpError(409, "proxy already exists");
        }
        Proxy proxy = new Proxy(name, withPort(listen), upstream);
        proxy.enabled = enabled;
        proxies.put(name, proxy);
        try {
            apply();
        } catch (RuntimeException e) {
            proxies.remove(name);
            apply();
            throw e;
        }
        return proxy;
    }

    void update(Proxy proxy, String listen, String upstream, boolean enabled) {
        proxy.listen = withPort(listen);
        proxy.upstream = upstream;
        proxy.enabled = enabled;
        apply();
    }

    void remove(Proxy proxy) {
        proxies.remove(proxy.name);
        apply();
    }

    /** Every proxy enabled and without toxics, as Toxiproxy's {@code /reset} does. */
    void reset() {
        proxies.values().forEach(p -> {
            p.enabled = true;
            p.toxics.clear();
        });
        apply();
    }

    /**
     * {@code listen}, with port 0 replaced by a port free now: each proxy keeps a port of its own across
     * disable/enable, and two proxies asking for port 0 do not ask for the same address.
     */
    private static String withPort(String listen) {
        Endpoint endpoint = Endpoint.parse(listen);
        if (!(endpoint instanceof Endpoint.Inet inet) || inet.port() != 0) {
            return listen;
        }
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(inet.isWildcard() ? "0.0.0.0" : inet.host(), 0));
            String host = inet.isWildcard() ? "" : inet.host().contains(":") ? "[" + inet.host() + "]" : inet.host();
            return host + ":" + probe.getLocalPort();
        } catch (IOException e) {
            throw new HttpError(400, "cannot find a free port on " + inet.host() + ": " + e.getMessage());
        }
    }

    /** Makes the relay's routes the enabled proxies, then gives each route its proxy's toxics. */
    private void apply() {
        List<RouteConfig> routes = new ArrayList<>();
        for (Proxy p : proxies.values()) {
            if (p.enabled) {
                routes.add(RouteConfig.builder(p.name).listen(Endpoint.parse(p.listen))
                        .upstream(Endpoint.parse(p.upstream)).connectRetries(0).build());
            }
        }
        relay.reload(relay.config().withRoutes(routes));
        proxies.values().stream().filter(p -> p.enabled).forEach(this::sync);
    }

    /** Gives {@code proxy}'s route the proxy's toxics: open connections get them too. */
    void sync(Proxy proxy) {
        RouteContext route = relay.routes().get(proxy.name);
        if (route == null) {
            return;
        }
        ToxicSet set = route.toxics();
        for (Toxic running : set.list()) {
            if (proxy.toxics.stream().noneMatch(t -> t.name().equals(running.name()))) {
                set.remove(running.name());
            }
        }
        for (Toxic toxic : proxy.toxics) {
            if (set.list().stream().anyMatch(t -> t.name().equals(toxic.name()))) {
                set.update(toxic);
            } else {
                set.add(toxic);
            }
        }
    }

    /** Where the proxy listens: the bound address while enabled (the real port when 0 was asked for). */
    String boundAddress(Proxy p) {
        if (p.enabled && relay.routes().containsKey(p.name)) {
            List<SocketAddress> bound = relay.localAddresses(p.name);
            if (!bound.isEmpty()) {
                return Addresses.format(bound.get(0));
            }
        }
        return p.listen;
    }
}
