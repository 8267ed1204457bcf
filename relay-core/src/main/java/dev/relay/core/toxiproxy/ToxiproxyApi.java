package dev.relay.core.toxiproxy;

import java.util.ArrayList;
import dev.relay.core.config.Endpoint;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.relay.core.RelayServer;
import dev.relay.core.base.RelayStartException;
import dev.relay.core.http.HttpError;
import dev.relay.core.http.Reply;
import dev.relay.core.http.Request;
import dev.relay.core.http.Routes;
import dev.relay.core.config.Toxic;
import dev.relay.core.toxiproxy.ProxyRegistry.Proxy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;

/**
 * Toxiproxy's HTTP API over a relay: proxies are routes ({@link ProxyRegistry}), toxics are the routes' toxics,
 * with Toxiproxy's paths, JSON shapes and status codes, so its clients work unchanged. The endpoints run one at a
 * time on the server's worker thread.
 */
final class ToxiproxyApi {

    /** The Toxiproxy version whose API this follows. */
    static final String VERSION = "2.12.0";
    private static final ObjectMapper JSON = Reply.JSON;

    private final RelayServer relay;
    private final ProxyRegistry proxies;

    ToxiproxyApi(RelayServer relay) {
        this.relay = relay;
        this.proxies = new ProxyRegistry(relay);
    }

    /** The routing table, each endpoint answering Toxiproxy's way. */
    Routes routes() {
        return new Routes()
                // JSON since Toxiproxy 2.7, as its clients now expect.
                .add("GET", "/version", guarded(request -> json(200, JSON.createObjectNode().put("version", VERSION))))
                // Toxiproxy serves Prometheus metrics here since 2.4; these are the relay's own.
                .add("GET", "/metrics", guarded(request -> metrics()))
                .add("POST", "/reset", guarded(request -> {
                    proxies.reset();
                    return json(204, null);
                }))
                .add("POST", "/populate", guarded(request -> populate(request.body())))
                .add("GET", "/proxies", guarded(request -> {
                    ObjectNode all = JSON.createObjectNode();
                    proxies.all().forEach(p -> all.set(p.name, view(p)));
                    return json(200, all);
                }))
                .add("POST", "/proxies", guarded(request -> json(201, view(create(JsonFields.read(request.body()))))))
                .add("GET", "/proxies/{proxy}", guarded(request -> json(200, view(proxy(request)))))
                .add("POST", "/proxies/{proxy}", guarded(this::updateProxy))
                .add("PATCH", "/proxies/{proxy}", guarded(this::updateProxy))
                .add("DELETE", "/proxies/{proxy}", guarded(request -> {
                    proxies.remove(proxy(request));
                    return json(204, null);
                }))
                .add("GET", "/proxies/{proxy}/toxics", guarded(request -> {
                    ArrayNode list = JSON.createArrayNode();
                    proxy(request).toxics.forEach(t -> list.add(ToxicJson.view(t)));
                    return json(200, list);
                }))
                .add("POST", "/proxies/{proxy}/toxics", guarded(this::addToxic))
                .add("GET", "/proxies/{proxy}/toxics/{toxic}", guarded(request -> json(200, ToxicJson.view(
                        proxy(request).toxics.get(toxicAt(request))))))
                .add("POST", "/proxies/{proxy}/toxics/{toxic}", guarded(this::updateToxic))
                .add("PATCH", "/proxies/{proxy}/toxics/{toxic}", guarded(this::updateToxic))
                .add("DELETE", "/proxies/{proxy}/toxics/{toxic}", guarded(request -> {
                    Proxy proxy = proxy(request);
                    proxy.toxics.remove(toxicAt(request));
                    proxies.sync(proxy);
                    return json(204, null);
                }));
    }

    /** Toxiproxy's error body: {@code {"error": ..., "status": ...}}. */
    static Reply error(HttpError error) {
        ObjectNode node = JSON.createObjectNode();
        node.put("error", error.getMessage());
        node.put("status", error.status());
        return json(error.status(), node);
    }

    /** A config the relay refuses (an address it cannot bind or parse) is the client's bad request, with why. */
    private static Routes.Endpoint guarded(Routes.Endpoint endpoint) {
        return request -> {
            try {
                return endpoint.answer(request);
            } catch (RelayStartException | IllegalArgumentException e) {
                throw new HttpError(400, e.getMessage());
            }
        };
    }

    private static Reply json(int status, JsonNode body) {
        return Reply.json(status, body);
    }

    private Reply metrics() {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        try {
            relay.metrics().writeTo(text);
        } catch (IOException e) {
            throw new HttpError(500, "cannot write metrics");
        }
        return Reply.text(200, "text/plain; charset=utf-8", text.toByteArray());
    }

    private Proxy proxy(Request request) {
        return proxies.get(request.path("proxy"));
    }

    private Reply updateProxy(Request request) {
        Proxy proxy = proxy(request);
        JsonNode change = JsonFields.object(JsonFields.read(request.body()));
        proxies.update(proxy, JsonFields.text(change, "listen", proxy.listen),
                JsonFields.text(change, "upstream", proxy.upstream), JsonFields.bool(change, "enabled", proxy.enabled));
        return json(200, view(proxy));
    }

    private Reply addToxic(Request request) {
        Proxy proxy = proxy(request);
        Toxic toxic = ToxicJson.toxic(JsonFields.read(request.body()), null);
        if (proxy.toxics.stream().anyMatch(t -> t.name().equals(toxic.name()))) {
            throw new HttpError(409, "toxic already exists");
        }
        proxy.toxics.add(toxic);
        proxies.sync(proxy);
        return json(200, ToxicJson.view(toxic));
    }

    private Reply updateToxic(Request request) {
        Proxy proxy = proxy(request);
        int at = toxicAt(request);
        Toxic updated = ToxicJson.toxic(JsonFields.read(request.body()), proxy.toxics.get(at));
        proxy.toxics.set(at, updated);
        proxies.sync(proxy);
        return json(200, ToxicJson.view(updated));
    }

    /** Where the request's toxic is in its proxy's list; Toxiproxy's 404 when it has none of that name. */
    private int toxicAt(Request request) {
        List<Toxic> toxics = proxy(request).toxics;
        String name = request.path("toxic");
        for (int i = 0; i < toxics.size(); i++) {
            if (toxics.get(i).name().equals(name)) {
                return i;
            }
        }
        throw new HttpError(404, "toxic not found");
    }

    private Reply populate(String body) {
        return json(201, populate(JsonFields.read(body)));
    }

    /**
     * Creates or updates the proxies in {@code list} (Toxiproxy's {@code /populate} and {@code -config} shape); a
     * proxy may also carry {@code toxics}, in the API's toxic shape, which replace its toxics. Answers the proxies.
     */
    ObjectNode populate(JsonNode list) {
        if (!list.isArray()) {
            throw new HttpError(400, "expected a list of proxies");
        }
        ArrayNode created = JSON.createArrayNode();
        for (JsonNode item : list) {
            Proxy existing = proxies.find(JsonFields.text(JsonFields.object(item), "name", ""));
            Proxy proxy;
            if (existing != null) {
                proxies.update(existing, JsonFields.text(item, "listen", existing.listen),
                        JsonFields.text(item, "upstream", existing.upstream), JsonFields.bool(item, "enabled", true));
                proxy = existing;
            } else {
                proxy = create(item);
            }
            if (item.has("toxics")) {
                replaceToxics(proxy, item.get("toxics"));
            }
            created.add(view(proxy));
        }
        ObjectNode answer = JSON.createObjectNode();
        answer.set("proxies", created);
        return answer;
    }

    private void replaceToxics(Proxy proxy, JsonNode toxics) {
        if (!toxics.isArray()) {
            throw new HttpError(400, "bad request body: " + proxy.name + ": toxics must be a list");
        }
        List<Toxic> next = new ArrayList<>();
        for (JsonNode spec : toxics) {
            Toxic toxic = ToxicJson.toxic(spec, null);
            if (next.stream().anyMatch(t -> t.name().equals(toxic.name()))) {
                throw new HttpError(409, "toxic already exists");
            }
            next.add(toxic);
        }
        proxy.toxics.clear();
        proxy.toxics.addAll(next);
        proxies.sync(proxy);
    }

    private Proxy create(JsonNode spec) {
        String name = JsonFields.text(JsonFields.object(spec), "name", "");
        String upstream = JsonFields.text(spec, "upstream", "");
        if (name.isEmpty() || upstream.isEmpty()) {
            throw new HttpError(400, "missing required field: " + (name.isEmpty() ? "name" : "upstream"));
        }
        return proxies.create(name, JsonFields.text(spec, "listen", "127.0.0.1:0"), upstream,
                JsonFields.bool(spec, "enabled", true));
    }

    private ObjectNode view(Proxy p) {
        ObjectNode node = JSON.createObjectNode();
        node.put("name", p.name);
        node.put("listen", proxies.boundAddress(p));
        node.put("upstream", p.upstream);
        node.put("enabled", p.enabled);
        ArrayNode toxics = node.putArray("toxics");
        p.toxics.forEach(t -> toxics.add(ToxicJson.view(t)));
        return node;
    }


}
