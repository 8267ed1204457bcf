package dev.relay.core.http;

import io.netty.handler.codec.http.EmptyHttpHeaders;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The routing table both HTTP APIs use: patterns with named segments, 404 for no path, 405 for another method. */
class RoutesTest {

    private final Routes routes = new Routes()
            .add("GET", "/proxies", request -> Reply.text(200, "text/plain", "all"))
            .add("GET", "/proxies/{proxy}/toxics/{toxic}",
                    request -> Reply.text(200, "text/plain", request.path("proxy") + "/" + request.path("toxic")))
            .add("DELETE", "/proxies/{proxy}/toxics/{toxic}", request -> Reply.text(204, "text/plain", ""));

    private static Request request(String method, String uri) {
        return new Request(method, RequestTarget.of(uri), EmptyHttpHeaders.INSTANCE, "", Map.of());
    }

    private String answer(String method, String uri) {
        return new String(routes.dispatch(request(method, uri)).toCompletableFuture().join().body());
    }

    @Test
    void namedSegmentsReachTheEndpoint() {
        assertEquals("db/latency_down", answer("GET", "/proxies/db/toxics/latency_down"));
        assertEquals("all", answer("GET", "/proxies/"), "a trailing slash is the same path");
    }

    @Test
    void anUnknownPathIsA404AndAnotherMethodA405NamingTheAllowedOnes() {
        HttpError missing = assertThrows(HttpError.class, () -> routes.dispatch(request("GET", "/proxies/db")));
        assertEquals(404, missing.status());
        assertEquals("no such endpoint: /proxies/db", missing.getMessage());
        HttpError wrongMethod = assertThrows(HttpError.class,
                () -> routes.dispatch(request("PUT", "/proxies/db/toxics/t")));
        assertEquals(405, wrongMethod.status());
        assertEquals("PUT not allowed here (expected: GET, DELETE)", wrongMethod.getMessage());
    }
}
