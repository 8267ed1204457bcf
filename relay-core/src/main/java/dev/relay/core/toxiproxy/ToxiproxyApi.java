package dev.relay.core.toxiproxy;

import dev.relay.core.config.Cidr;
import dev.relay.core.config.ConfigException;
import dev.relay.core.config.Durations;
import dev.relay.core.config.Endpoint;
import dev.relay.core.config.ToxicSchedule;
import dev.relay.core.config.ToxicScope;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.relay.core.RelayServer;
import dev.relay.core.base.Direction;
import dev.relay.core.base.RelayStartException;
import dev.relay.core.http.HttpError;
import dev.relay.core.http.Reply;
import dev.relay.core.http.Request;
import dev.relay.core.http.Routes;
import dev.relay.core.config.Toxic;
import dev.relay.core.config.ToxicType;
import dev.relay.core.toxiproxy.ProxyRegistry.Proxy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

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
                    proxy(request).toxics.forEach(t -> list.add(view(t)));
                    return json(200, list);
                }))
                .add("POST", "/proxies/{proxy}/toxics", guarded(this::addToxic))
                .add("GET", "/proxies/{proxy}/toxics/{toxic}", guarded(request -> json(200, view(
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
        Toxic toxic = toxic(JsonFields.read(request.body()), null);
        if (proxy.toxics.stream().anyMatch(t -> t.name().equals(toxic.name()))) {
            throw new HttpError(409, "toxic already exists");
        }
        proxy.toxics.add(toxic);
        proxies.sync(proxy);
        return json(200, view(toxic));
    }

    private Reply updateToxic(Request request) {
        Proxy proxy = proxy(request);
        int at = toxicAt(request);
        Toxic updated = toxic(JsonFields.read(request.body()), proxy.toxics.get(at));
        proxy.toxics.set(at, updated);
        proxies.sync(proxy);
        return json(200, view(updated));
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
        List<Toxic> next = new java.util.ArrayList<>();
        for (JsonNode spec : toxics) {
            Toxic toxic = toxic(spec, null);
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

    /**
     * A toxic from its JSON; on an update, fields left out keep their {@code current} values. Each field is
     * checked for its type as Toxiproxy checks it (a string where a number belongs is a bad request body), and a
     * refusal carries Toxiproxy's own words.
     */
    private static Toxic toxic(JsonNode spec, Toxic current) {
        if (!spec.isObject()) {
            throw new HttpError(400, "bad request body: expected a JSON object");
        }
        ToxicType type = current != null ? current.type() : JsonFields.toxicType(JsonFields.text(spec, "type", ""));
        Direction stream = current != null && !spec.has("stream") ? current.stream()
                : JsonFields.stream(JsonFields.text(spec, "stream", "downstream"));
        double toxicity = spec.has("toxicity") ? JsonFields.number(spec.get("toxicity"), "toxicity").doubleValue()
                : current != null ? current.toxicity() : 1.0;
        if (toxicity < 0 || toxicity > 1) {
            throw new HttpError(400, "bad request body: toxicity must be from 0 to 1");
        }
        String name = current != null ? current.name()
                : JsonFields.text(spec, "name", type.label() + "_" + stream.name().toLowerCase(Locale.ROOT));
        Map<String, Long> attributes = new LinkedHashMap<>(current == null ? Map.of() : current.attributes());
        JsonNode given = spec.path("attributes");
        if (!given.isMissingNode() && !given.isNull() && !given.isObject()) {
            throw new HttpError(400, "bad request body: attributes must be an object");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = given.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            attributes.put(entry.getKey(), JsonFields.number(entry.getValue(), "attributes." + entry.getKey()).longValue());
        }
        ToxicScope scope = current != null ? current.scope() : ToxicScope.EVERYONE;
        ToxicSchedule schedule = current != null ? current.schedule() : ToxicSchedule.ALWAYS;
        try {
            // relay's own fields, beside Toxiproxy's: a toxic for some clients or one upstream, and on a schedule.
            if (spec.has("clients") || spec.has("upstream")) {
                List<Cidr> clients = new java.util.ArrayList<>();
                spec.path("clients").forEach(c -> clients.add(Cidr.parse(c.asText())));
                scope = new ToxicScope(spec.has("clients") ? clients : scope.clients(),
                        spec.has("upstream") ? Endpoint.parse(spec.get("upstream").asText()) : scope.upstream());
            }
            if (spec.has("after") || spec.has("for") || spec.has("every")) {
                schedule = new ToxicSchedule(duration(spec, "after", schedule.after()),
                        duration(spec, "for", schedule.duration()), duration(spec, "every", schedule.every()));
            }
            return new Toxic(name.isEmpty() ? type.label() + "_" + stream.name().toLowerCase(Locale.ROOT) : name,
                    type, stream, toxicity, attributes, scope, schedule);
        } catch (ConfigException e) {
            throw new HttpError(400, "bad request body: " + e.getMessage());
        }
    }

    private static java.time.Duration duration(JsonNode spec, String field, java.time.Duration otherwise) {
        return spec.has(field) ? Durations.parse(spec.get(field).asText()) : otherwise;
    }

    private ObjectNode view(Proxy p) {
        ObjectNode node = JSON.createObjectNode();
        node.put("name", p.name);
        node.put("listen", proxies.boundAddress(p));
        node.put("upstream", p.upstream);
        node.put("enabled", p.enabled);
        ArrayNode toxics = node.putArray("toxics");
        p.toxics.forEach(t -> toxics.add(view(t)));
        return node;
    }

    private static ObjectNode view(Toxic t) {
        ObjectNode node = JSON.createObjectNode();
        node.put("name", t.name());
        node.put("type", t.type().label());
        node.put("stream", t.stream().name().toLowerCase(Locale.ROOT));
        node.put("toxicity", (float) t.toxicity());
        ObjectNode attributes = node.putObject("attributes");
        t.attributes().forEach(attributes::put);
        // relay's own fields only where set, so a Toxiproxy client sees the JSON it knows.
        if (!t.scope().clients().isEmpty()) {
            ArrayNode clients = node.putArray("clients");
            t.scope().clients().forEach(c -> clients.add(c.toString()));
        }
        if (t.scope().upstream() != null) {
            node.put("upstream", t.scope().upstream().toString());
        }
        if (!t.schedule().always()) {
            node.put("after", Durations.format(t.schedule().after()));
            node.put("for", Durations.format(t.schedule().duration()));
            node.put("every", Durations.format(t.schedule().every()));
        }
        return node;
    }
}
