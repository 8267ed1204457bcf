package dev.relay.core.http;

import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.List;
import java.util.Map;

/**
 * A request's path and query, decoded once, up front, in time linear in their length: a target that cannot be
 * decoded (a malformed percent-encoding) is refused here, as a 400, before any handler works on it.
 *
 * @param path       the decoded path without trailing slashes ({@code "/"} stays {@code "/"})
 * @param parameters the decoded query parameters
 */
public record RequestTarget(String path, Map<String, List<String>> parameters) {

    /** A request target that cannot be decoded; its message is fit for the 400 answer. */
    public static final class Malformed extends RuntimeException {
        Malformed(String message) {
            super(message, null, false, false);
        }
    }

    /** Decodes {@code uri} (the request line's target). */
    public static RequestTarget of(String uri) {
        QueryStringDecoder decoder = new QueryStringDecoder(uri);
        try {
            return new RequestTarget(withoutTrailingSlashes(decoder.path()), decoder.parameters());
        } catch (IllegalArgumentException e) {
            throw new Malformed("the request's path or query has a malformed percent-encoding");
        }
    }

    /** The first value of {@code name}, or null. */
    public String parameter(String name) {
        List<String> values = parameters.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** The path's segments after the leading slash: {@code "/api/routes/a"} is {@code ["api", "routes", "a"]}. */
    public List<String> segments() {
        return path.equals("/") ? List.of() : List.of(path.substring(1).split("/", -1));
    }

    private static String withoutTrailingSlashes(String path) {
        int end = path.length();
        while (end > 1 && path.charAt(end - 1) == '/') {
            end--;
        }
        return path.substring(0, end);
    }
}
