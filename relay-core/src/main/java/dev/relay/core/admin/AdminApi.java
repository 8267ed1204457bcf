package dev.relay.core.admin;

import dev.relay.core.http.HttpService;
import dev.relay.core.http.Reply;
import dev.relay.core.http.Request;
import dev.relay.core.http.Routes;

import java.util.Map;
import java.util.concurrent.Executor;

/**
 * The admin API's routing table, made of its endpoint groups, with its bearer-token gate and its error body
 * ({@code {"error": ..., "problems": [...]}}). Everything that only reads runs on the admin loop, from state that
 * is safe to read from any thread; what may block (a reload) runs on the admin's worker.
 */
final class AdminApi {

    private AdminApi() {
    }

    static HttpService service(RelayControl relay, BearerToken token, Executor worker, byte[] statusPage,
                               ConnectionSnapshots snapshots) {
        Routes routes = new Routes();
        new StatusEndpoints(relay, statusPage).addTo(routes);
        new RouteEndpoints(relay).addTo(routes);
        new ConnectionEndpoints(relay, snapshots).addTo(routes);
        new ReloadEndpoint(relay, worker).addTo(routes);
        return new HttpService("admin", routes, Runnable::run, request -> authorize(token, request),
                error -> Reply.json(error.status(), new Views.Error(error.getMessage(), error.problems())));
    }

    /**
     * The status page itself holds no data: a browser, which sends no Authorization header, may load it, and its
     * script sends the token from the address's #token=... with every API call. Health is open too: it says only
     * serving, draining or waiting, and a kubelet's or load balancer's probe carries no token.
     */
    private static Reply authorize(BearerToken token, Request request) {
        boolean get = request.method().equals("GET");
        String path = request.target().path();
        boolean open = get && (path.equals("/") || path.equals("/api/health"));
        if (token == null || open || token.admits(request.headers().get("Authorization"))) {
            return null;
        }
        return new Reply(401, "text/plain; charset=utf-8", new byte[0], Map.of("WWW-Authenticate", "Bearer"));
    }
}
