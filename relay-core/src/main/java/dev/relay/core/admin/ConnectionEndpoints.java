package dev.relay.core.admin;

import dev.relay.core.http.HttpError;
import dev.relay.core.http.Reply;
import dev.relay.core.http.Request;
import dev.relay.core.http.Routes;
import dev.relay.core.proxy.CloseReason;
import dev.relay.core.proxy.RelayConnection;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;

/** The open connections, each with its figures taken on its own loop, and closing one by its id. */
final class ConnectionEndpoints {

    private static final int DEFAULT_LIMIT = 1_000;
    private static final int MAX_LIMIT = 100_000;

    private final RelayControl relay;
    private final ConnectionSnapshots snapshots;

    ConnectionEndpoints(RelayControl relay, ConnectionSnapshots snapshots) {
        this.relay = relay;
        this.snapshots = snapshots;
    }

    void addTo(Routes routes) {
        routes.addLater("GET", "/api/connections", this::list)
                .add("DELETE", "/api/connections/{id}", this::close);
    }

    /** Each connection's figures are taken on its own loop (ConnectionSnapshots); the answer, once all are in. */
    private CompletionStage<Reply> list(Request request) {
        String routeFilter = request.parameter("route");
        if (routeFilter != null) {
            RouteEndpoints.route(relay, routeFilter);
        }
        int limit = intParameter(request, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
        List<RelayConnection> chosen = new ArrayList<>();
        boolean truncated = false;
        for (RelayConnection connection : relay.connections().connections()) {
            if (routeFilter != null && !connection.route().equals(routeFilter)) {
                continue;
            }
            if (chosen.size() == limit) {
                truncated = true;
                break;
            }
            chosen.add(connection);
        }
        boolean cut = truncated;
        return snapshots.take(chosen).thenApply(summaries -> Reply.json(200,
                new Views.Connections(summaries.stream().map(Views.Connection::of).toList(), cut)));
    }

    private Reply close(Request request) {
        String idText = request.path("id");
        long id;
        try {
            id = Long.parseLong(idText);
        } catch (NumberFormatException e) {
            throw new HttpError(400, "\"" + idText + "\" is not a connection id");
        }
        RelayConnection connection = relay.connections().connections().stream()
                .filter(c -> c.id() == id).findFirst()
                .orElseThrow(() -> new HttpError(404, "no open connection " + id));
        connection.client().eventLoop().execute(() -> connection.close(CloseReason.CLOSED_BY_OPERATOR));
        return Reply.json(200, new Views.Closed(id));
    }

    private static int intParameter(Request request, String name, int otherwise, int min, int max) {
        String text = request.parameter(name);
        if (text == null) {
            return otherwise;
        }
        try {
            int value = Integer.parseInt(text);
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new HttpError(400, name + " must be a number from " + min + " to " + max);
    }
}
