package dev.relay.core.http;

import io.netty.handler.codec.http.HttpHeaders;
import java.util.Map;

/**
 * One request as an endpoint sees it: method, target, headers, body, and the path's named segments
 * ({@code {name}} in the route's pattern).
 */
public record Request(String method, RequestTarget target, HttpHeaders headers, String body,
                      Map<String, String> pathParameters) {

    /** The path segment the route's pattern names {@code name}. */
    public String path(String name) {
        return pathParameters.get(name);
    }

    /** A query parameter, or null. */
    public String parameter(String name) {
        return target.parameter(name);
    }

    Request withPathParameters(Map<String, String> values) {
        return new Request(method, target, headers, body, Map.copyOf(values));
    }
}
