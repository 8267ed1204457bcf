package dev.relay.core.admin;

import dev.relay.core.http.HttpError;
import dev.relay.core.http.Reply;
import dev.relay.core.http.Routes;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

/** The status page, the Prometheus metrics, and health for load balancers (503 while the relay drains). */
final class StatusEndpoints {

    private final RelayControl relay;
    private final byte[] statusPage;

    StatusEndpoints(RelayControl relay, byte[] statusPage) {
        this.relay = relay;
        this.statusPage = statusPage;
    }

    void addTo(Routes routes) {
        routes.add("GET", "/", request -> Reply.text(200, "text/html; charset=utf-8", statusPage))
                .add("GET", "/metrics", request -> metrics())
                .add("GET", "/api/health", request -> {
                    boolean stopping = relay.isStopping();
                    return Reply.json(stopping ? 503 : 200, new Views.Health(stopping ? "draining" : "serving"));
                });
    }

    private Reply metrics() {
        ByteArrayOutputStream body = new ByteArrayOutputStream(16 * 1024);
        try {
            relay.metrics().writeTo(body);
        } catch (IOException e) {
            throw new HttpError(500, "cannot write metrics");
        }
        return Reply.text(200, relay.metrics().contentType(), body.toByteArray());
    }
}
