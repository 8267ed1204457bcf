package dev.relay.core.proxy;

import dev.relay.core.config.Endpoint;
import dev.relay.core.config.RouteConfig;
import dev.relay.core.config.ServerNames;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The routes one listen address feeds, and how a connection picks among them: by the server name in its TLS
 * ClientHello when any route there names some (an exact name first, then the longest matching wildcard, then the
 * route without names), or the one route otherwise. Immutable; a reload builds a new one.
 */
public final class ListenerRoutes {

    /** One route on the address, with the settings it takes effect with (its names, its handshake timeout). */
    public record Member(RouteContext route, RouteConfig config) {
    }

    private final RouteContext first;
    private final Duration clientHelloTimeout;
    private final Map<String, RouteContext> exact = new HashMap<>();
    /** Wildcards as their suffix ({@code .example.com}), longest first, so the most specific one wins. */
    private final List<Map.Entry<String, RouteContext>> wildcards = new ArrayList<>();
    private final RouteContext fallback;
    private final List<String> names;

    /** Each listen address of {@code routes} and the routes it feeds there, with their settings in {@code routes}. */
    public static Map<Endpoint, ListenerRoutes> byAddress(List<RouteConfig> routes, Map<String, RouteContext> running) {
        Map<Endpoint, List<Member>> members = new LinkedHashMap<>();
        for (RouteConfig route : routes) {
            for (Endpoint endpoint : route.listen()) {
                members.computeIfAbsent(endpoint, e -> new ArrayList<>()).add(new Member(running.get(route.name()), route));
            }
        }
        Map<Endpoint, ListenerRoutes> owners = new LinkedHashMap<>();
        members.forEach((endpoint, list) -> owners.put(endpoint, new ListenerRoutes(list)));
        return owners;
    }

    public ListenerRoutes(List<Member> members) {
        if (members.isEmpty()) {
            throw new IllegalArgumentException("a listen address feeds at least one route");
        }
        this.names = members.stream().map(member -> member.config().name()).toList();
        this.first = members.get(0).route();
        RouteContext withoutNames = null;
        Duration shortest = null;
        for (Member member : members) {
            ServerNames names = member.config().serverNames();
            if (!names.any()) {
                withoutNames = member.route();
            }
            Duration handshake = member.config().timeouts().handshake();
            if (shortest == null || handshake.compareTo(shortest) < 0) {
                shortest = handshake;
            }
            for (String pattern : names.patterns()) {
                if (ServerNames.isWildcard(pattern)) {
                    wildcards.add(Map.entry(pattern.substring(1), member.route()));
                } else {
                    exact.put(pattern, member.route());
                }
            }
        }
        wildcards.sort(Comparator.comparingInt((Map.Entry<String, RouteContext> e) -> e.getKey().length()).reversed());
        this.fallback = withoutNames;
        this.clientHelloTimeout = shortest;
    }

    /** True when connections are routed by their ClientHello's server name. */
    /** The names of the routes fed here, in config order. */
    public List<String> names() {
        return names;
    }

    public boolean byServerName() {
        return exact.size() + wildcards.size() > 0;
    }

    /** The route that comes first in the config: the one that also reads the address's PROXY headers. */
    public RouteContext first() {
        return first;
    }

    /** The route for a client that asked for {@code serverName} (null: none, or not TLS); null when none takes it. */
    public RouteContext select(String serverName) {
        if (serverName == null) {
            return fallback;
        }
        String name = serverName.toLowerCase(Locale.ROOT);
        RouteContext route = exact.get(name);
        if (route != null) {
            return route;
        }
        for (Map.Entry<String, RouteContext> wildcard : wildcards) {
            if (name.endsWith(wildcard.getKey())) {
                return wildcard.getValue();
            }
        }
        return fallback;
    }

    /** How long a client may take to send its ClientHello: the shortest handshake timeout of the routes here. */
    public Duration clientHelloTimeout() {
        return clientHelloTimeout;
    }
}
