package dev.relay.core.http;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * An API's routing table: a method and a path pattern ({@code /proxies/{proxy}/toxics}) per endpoint, in the order
 * added. A path that matches no pattern is a 404; a path that matches with another method, a 405.
 */
public final class Routes {

    /** An endpoint that answers at once. */
    @FunctionalInterface
    public interface Endpoint {
        Reply answer(Request request);
    }

    /** An endpoint whose answer comes later (from a worker, or from other event loops). */
    @FunctionalInterface
    public interface LaterEndpoint {
        CompletionStage<Reply> answer(Request request);
    }

    private record Route(String method, List<String> pattern, LaterEndpoint endpoint) { }

    private final List<Route> routes = new ArrayList<>();

    public Routes add(String method, String pattern, Endpoint endpoint) {
        return addLater(method, pattern, request -> CompletableFuture.completedFuture(endpoint.answer(request)));
    }

    public Routes addLater(String method, String pattern, LaterEndpoint endpoint) {
        routes.add(new Route(method, RequestTarget.of(pattern).segments(), endpoint));
        return this;
    }

    /** The answer of the endpoint {@code request} asks for; throws {@link HttpError} for 404 and 405. */
    public CompletionStage<Reply> dispatch(Request request) {
        List<String> path = request.target().segments();
        Set<String> allowed = new LinkedHashSet<>();
        for (Route route : routes) {
            Map<String, String> values = match(route.pattern(), path);
            if (values == null) {
                continue;
            }
            if (route.method().equals(request.method())) {
                return route.endpoint().answer(request.withPathParameters(values));
            }
            allowed.add(route.method());
        }
        if (allowed.isEmpty()) {
            throw new HttpError(404, "no such endpoint: " + request.target().path());
        }
        throw new HttpError(405, request.method() + " not allowed here (expected: " + String.join(", ", allowed) + ")");
    }

    private static Map<String, String> match(List<String> pattern, List<String> path) {
        if (pattern.size() != path.size()) {
            return null;
        }
        Map<String, String> values = new HashMap<>(2);
        for (int i = 0; i < pattern.size(); i++) {
            String expected = pattern.get(i);
            if (expected.startsWith("{") && expected.endsWith("}")) {
                values.put(expected.substring(1, expected.length() - 1), path.get(i));
            } else if (!expected.equals(path.get(i))) {
                return null;
            }
        }
        return values;
    }
}
