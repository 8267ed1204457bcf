package dev.relay.core.admin;

import dev.relay.core.capture.PcapCapture;
import dev.relay.core.discovery.DiscoveryStatus;
import dev.relay.core.http.HttpError;
import dev.relay.core.http.Reply;
import dev.relay.core.http.Request;
import dev.relay.core.http.Routes;
import dev.relay.core.proxy.RouteContext;
import dev.relay.core.udp.UdpRoute;

import java.util.ArrayList;
import java.util.List;

/** The routes with their upstreams and counters, and what an operator does to one: drain, resume, capture. */
final class RouteEndpoints {

    private final RelayControl relay;

    RouteEndpoints(RelayControl relay) {
        this.relay = relay;
    }

    void addTo(Routes routes) {
        routes.add("GET", "/api/routes", request -> Reply.json(200, list()))
                .add("POST", "/api/routes/{route}/drain", request -> draining(route(request), true))
                .add("POST", "/api/routes/{route}/resume", request -> draining(route(request), false))
                .add("POST", "/api/routes/{route}/capture", this::capture);
    }

    /** The route a request names; 404 when there is none. */
    static RouteContext route(RelayControl relay, String name) {
        RouteContext route = relay.routes().get(name);
        if (route == null && relay.udpRoutes().containsKey(name)) {
            throw new HttpError(409, "route " + name + " is a UDP route: drain, resume and capture are for TCP routes");
        }
        if (route == null) {
            throw new HttpError(404, "no route named " + name);
        }
        return route;
    }

    private RouteContext route(Request request) {
        return route(relay, request.path("route"));
    }

    private Views.Routes list() {
        List<Views.Route> routes = new ArrayList<>();
        for (RouteContext route : relay.routes().values()) {
            routes.add(Views.Route.of(route, relay.localAddresses(route.name()), view(route.capture()),
                    discovery(route.name())));
        }
        for (UdpRoute route : relay.udpRoutes().values()) {
            routes.add(Views.Route.of(route, relay.localAddresses(route.name()), discovery(route.name())));
        }
        return new Views.Routes(routes);
    }

    private DiscoveryStatus.View discovery(String route) {
        return relay.discovery(route).map(DiscoveryStatus::view).orElse(null);
    }

    private static Views.Capture view(PcapCapture capture) {
        return capture == null ? null
                : new Views.Capture(capture.file().toString(), capture.enabled(), capture.bytesWritten());
    }

    private static Reply draining(RouteContext route, boolean value) {
        route.draining(value);
        return Reply.json(200, new Views.Draining(route.name(), route.draining(), route.openConnections()));
    }

    private Reply capture(Request request) {
        RouteContext route = route(request);
        PcapCapture capture = route.capture();
        if (capture == null) {
            throw new HttpError(409, "route " + route.name() + " has no capture file in its config");
        }
        String enabled = request.parameter("enabled");
        if (!"true".equals(enabled) && !"false".equals(enabled)) {
            throw new HttpError(400, "enabled must be true or false");
        }
        capture.enabled(Boolean.parseBoolean(enabled));
        return Reply.json(200, view(capture));
    }
}
