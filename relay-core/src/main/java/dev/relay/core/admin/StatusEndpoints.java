package dev.relay.core.admin;

import dev.relay.core.http.HttpError;
import dev.relay.core.http.Reply;
import dev.relay.core.http.Routes;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * The status page, the Prometheus metrics, and health for load balancers (503 while the relay drains, or while a
 * discovered route waits for its first upstreams).
 */
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
                    if (relay.isStopping()) {
                        return Reply.json(503, new Views.Health("draining"));
                    }
                    // Not ready until every discovered route knows its upstreams: a new instance takes no traffic
                    // it could only refuse.
                    if (relay.waitingForUpstreams()) {
                        return Reply.json(503, new Views.Health("waiting_for_upstreams"));
                    }
                    return Reply.json(200, new Views.Health("serving"));
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
