package dev.relay.core.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * When routes may share a listen address: when they route by TLS server name. Each of them then names the server
 * names it answers ({@link ServerNames}), no name is claimed twice, and at most one route goes without names, as the
 * address's default. They must also read a PROXY header the same way, since it comes before the ClientHello.
 */
public final class ListenerSharing {

    /** One reason the route at {@code index} (in the list checked) cannot have one of its listen addresses. */
    public record Conflict(int index, Endpoint listen, String message) {
    }

    /** What a route claims on its listen addresses: enough to check them even when the rest of it is wrong. */
    public record Claim(String route, List<Endpoint> listen, ServerNames names, ProxyProtocolConfig proxyProtocol,
                        Protocol protocol) {
        public static Claim of(RouteConfig route) {
            return new Claim(route.name(), route.listen(), route.serverNames(), route.proxyProtocol(),
                    route.protocol());
        }
    }

    private ListenerSharing() {
    }

    /** Every conflict among {@code routes}, in config order; empty when each address's routes can share it. */
    public static List<Conflict> conflicts(List<Claim> routes) {
        // A TCP and a UDP route may have the same address and port: they are different sockets.
        record Place(Endpoint listen, Protocol protocol) { }
        Map<Place, List<Integer>> byAddress = new LinkedHashMap<>();
        for (int i = 0; i < routes.size(); i++) {
            for (Endpoint listen : routes.get(i).listen()) {
                byAddress.computeIfAbsent(new Place(listen, routes.get(i).protocol()), k -> new ArrayList<>()).add(i);
            }
        }
        List<Conflict> conflicts = new ArrayList<>();
        byAddress.forEach((place, sharing) -> {
            if (place.protocol() == Protocol.UDP) {
                checkUdp(place.listen(), routes, sharing, conflicts);
            } else {
                check(place.listen(), routes, sharing, conflicts);
            }
        });
        return conflicts;
    }

    /** A datagram names no server, so one UDP listen address is one route's. */
    private static void checkUdp(Endpoint listen, List<Claim> routes, List<Integer> sharing, List<Conflict> conflicts) {
        String owner = routes.get(sharing.get(0)).route();
        for (int index : sharing.subList(1, sharing.size())) {
            conflicts.add(new Conflict(index, listen, "listen " + listen + " (udp) is already route " + owner
                    + "'s (a UDP listen address belongs to one route)"));
        }
    }

    private static void check(Endpoint listen, List<Claim> routes, List<Integer> sharing, List<Conflict> conflicts) {
        Claim first = routes.get(sharing.get(0));
        Claim fallback = first.names().any() ? null : first;
        Map<String, String> claimed = new HashMap<>();
        first.names().patterns().forEach(name -> claimed.put(name, first.route()));
        for (int index : sharing.subList(1, sharing.size())) {
            Claim route = routes.get(index);
            String name = route.route();
            if (!route.names().any()) {
                if (fallback != null) {
                    conflicts.add(new Conflict(index, listen, "listen " + listen + " is already route "
                            + fallback.route() + "'s (routes share a listen address by server_names; at most one of"
                            + " them goes without, as the default)"));
                    continue;
                }
                fallback = route;
            }
            if (!route.proxyProtocol().equals(first.proxyProtocol())) {
                conflicts.add(new Conflict(index, listen, "route " + name + ": proxy_protocol differs from route "
                        + first.route() + "'s on " + listen + " (routes on one listen address read the header alike)"));
            }
            for (String serverName : route.names().patterns()) {
                String owner = claimed.putIfAbsent(serverName, name);
                if (owner != null) {
                    conflicts.add(new Conflict(index, listen, "route " + name + ": server name " + serverName
                            + " on " + listen + " is already route " + owner + "'s"));
                }
            }
        }
    }
}
