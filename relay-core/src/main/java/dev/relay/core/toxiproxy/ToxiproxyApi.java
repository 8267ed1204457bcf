package dev.relay.core.toxiproxy;

import dev.relay.core.toxic.ToxicType;
import dev.relay.core.toxic.ToxicSet;
import dev.relay.core.toxic.Toxic;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.relay.core.RelayServer;
import dev.relay.core.base.RelayStartException;
import dev.relay.core.config.Endpoint;
import dev.relay.core.config.RouteConfig;
import dev.relay.core.base.Addresses;
import dev.relay.core.base.Direction;
import dev.relay.core.proxy.RouteContext;

import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Toxiproxy's HTTP API over a relay: proxies are routes, toxics are the routes' toxics, with Toxiproxy's paths,
 * JSON shapes and status codes, so its clients work unchanged. One request at a time (the server calls it from
 * one worker thread): a change rebuilds the relay's routes through a reload, which keeps every other proxy's
 * connections open.
 *
 * <p>Over 300 lines, knowingly: routing, the proxy registry and the JSON views are still one class; a routing table
 * shared with the admin listener (the {@code http} package) and a registry of its own are the planned split.
 */
final class ToxiproxyApi {

    /** The Toxiproxy version whose API this follows. */
    static final String VERSION = "2.12.0";
    static final ObjectMapper JSON = new ObjectMapper();

    /** A proxy as the API knows it, enabled or not; a disabled one has no route, so its port refuses. */
    private static final class Proxy {
        final String name;
        String listen;
        String upstream;
        boolean enabled = true;
        final List<Toxic> toxics = new ArrayList<>();

        Proxy(String name, String listen, String upstream) {
            this.name = name;
            this.listen = listen;
            this.upstream = upstream;
        }
    }

    /** An answer: a status and a JSON (or, for /version, plain) body. */
    record Answer(int status, String body, boolean json) {
        static Answer json(int status, JsonNode body) {
            return new Answer(status, body == null ? "" : body.toString(), true);
        }
    }

    private final RelayServer relay;
    private final Map<String, Proxy> proxies = new LinkedHashMap<>();

    ToxiproxyApi(RelayServer relay) {
        this.relay = relay;
    }

    Answer handle(String method, String path, String body) {
        try {
            return route(method, path, body);
        } catch (ToxiproxyError e) {
            return error(e.status, e.getMessage());
        } catch (RelayStartException | IllegalArgumentException e) {
            return error(400, e.getMessage());
        }
    }

    private Answer route(String method, String path, String body) {
        String[] parts = path.split("/");
        if (path.equals("/version") && method.equals("GET")) {
            // JSON since Toxiproxy 2.7, as its clients now expect.
            ObjectNode version = JSON.createObjectNode();
            version.put("version", VERSION);
            return Answer.json(200, version);
        }
        if (path.equals("/metrics") && method.equals("GET")) {
            // Toxiproxy serves Prometheus metrics here since 2.4; these are the relay's own.
            java.io.ByteArrayOutputStream text = new java.io.ByteArrayOutputStream();
            try {
                relay.metrics().writeTo(text);
            } catch (java.io.IOException e) {
                throw new ToxiproxyError(500, "cannot write metrics");
            }
            return new Answer(200, text.toString(java.nio.charset.StandardCharsets.UTF_8), false);
        }
        if (path.equals("/reset") && method.equals("POST")) {
            proxies.values().forEach(p -> {
                p.enabled = true;
                p.toxics.clear();
            });
            apply();
            return Answer.json(204, null);
        }
        if (path.equals("/populate") && method.equals("POST")) {
            return populate(body);
        }
        if (path.equals("/proxies")) {
            if (method.equals("GET")) {
                ObjectNode all = JSON.createObjectNode();
                proxies.values().forEach(p -> all.set(p.name, view(p)));
                return Answer.json(200, all);
            }
            if (method.equals("POST")) {
                return Answer.json(201, view(create(JsonFields.read(body))));
            }
        }
        if (parts.length >= 3 && parts[1].equals("proxies")) {
            Proxy proxy = proxies.get(parts[2]);
            if (proxy == null) {
                throw new ToxiproxyError(404, "proxy not found");
            }
            if (parts.length == 3) {
                return proxyAction(method, proxy, body);
            }
            if (parts.length == 4 && parts[3].equals("toxics")) {
                if (method.equals("GET")) {
                    ArrayNode list = JSON.createArrayNode();
                    proxy.toxics.forEach(t -> list.add(view(t)));
                    return Answer.json(200, list);
                }
                if (method.equals("POST")) {
                    Toxic toxic = toxic(JsonFields.read(body), null);
                    if (proxy.toxics.stream().anyMatch(t -> t.name().equals(toxic.name()))) {
                        throw new ToxiproxyError(409, "toxic already exists");
                    }
                    proxy.toxics.add(toxic);
                    sync(proxy);
                    return Answer.json(200, view(toxic));
                }
            }
            if (parts.length == 5 && parts[3].equals("toxics")) {
                return toxicAction(method, proxy, parts[4], body);
            }
        }
        throw new ToxiproxyError(404, "no such endpoint: " + method + " " + path);
    }

    private Answer proxyAction(String method, Proxy proxy, String body) {
        switch (method) {
            case "GET" -> {
                return Answer.json(200, view(proxy));
            }
            case "POST", "PATCH" -> {
                JsonNode change = JsonFields.object(JsonFields.read(body));
                proxy.listen = withPort(JsonFields.text(change, "listen", proxy.listen));
                proxy.upstream = JsonFields.text(change, "upstream", proxy.upstream);
                proxy.enabled = JsonFields.bool(change, "enabled", proxy.enabled);
                apply();
                return Answer.json(200, view(proxy));
            }
            case "DELETE" -> {
                proxies.remove(proxy.name);
                apply();
                return Answer.json(204, null);
            }
            default -> throw new ToxiproxyError(405, "method not allowed");
        }
    }

    private Answer toxicAction(String method, Proxy proxy, String name, String body) {
        int at = -1;
        for (int i = 0; i < proxy.toxics.size(); i++) {
            if (proxy.toxics.get(i).name().equals(name)) {
                at = i;
            }
        }
        if (at < 0) {
            throw new ToxiproxyError(404, "toxic not found");
        }
        Toxic current = proxy.toxics.get(at);
        switch (method) {
            case "GET" -> {
                return Answer.json(200, view(current));
            }
            case "POST", "PATCH" -> {
                Toxic updated = toxic(JsonFields.read(body), current);
                proxy.toxics.set(at, updated);
                sync(proxy);
                return Answer.json(200, view(updated));
            }
            case "DELETE" -> {
                proxy.toxics.remove(at);
                sync(proxy);
                return Answer.json(204, null);
            }
            default -> throw new ToxiproxyError(405, "method not allowed");
        }
    }

    private Answer populate(String body) {
        JsonNode list = JsonFields.read(body);
        if (!list.isArray()) {
            throw new ToxiproxyError(400, "expected a list of proxies");
        }
        ArrayNode created = JSON.createArrayNode();
        for (JsonNode item : list) {
            Proxy existing = proxies.get(JsonFields.text(JsonFields.object(item), "name", ""));
            if (existing != null) {
                existing.listen = withPort(JsonFields.text(item, "listen", existing.listen));
                existing.upstream = JsonFields.text(item, "upstream", existing.upstream);
                existing.enabled = JsonFields.bool(item, "enabled", true);
                apply();
                created.add(view(existing));
            } else {
                created.add(view(create(item)));
            }
        }
        ObjectNode answer = JSON.createObjectNode();
        answer.set("proxies", created);
        return Answer.json(201, answer);
    }

    private Proxy create(JsonNode spec) {
        String name = JsonFields.text(JsonFields.object(spec), "name", "");
        String upstream = JsonFields.text(spec, "upstream", "");
        if (name.isEmpty() || upstream.isEmpty()) {
            throw new ToxiproxyError(400, "missing required field: " + (name.isEmpty() ? "name" : "upstream"));
        }
        if (proxies.containsKey(name)) {
            throw new ToxiproxyError(409, "proxy already exists");
        }
        Proxy proxy = new Proxy(name, withPort(JsonFields.text(spec, "listen", "127.0.0.1:0")), upstream);
        proxy.enabled = JsonFields.bool(spec, "enabled", true);
        proxies.put(name, proxy);
        try {
            apply();
        } catch (RuntimeException e) {
            proxies.remove(name);
            apply();
            throw e;
        }
        return proxy;
    }

    /**
     * {@code listen}, with port 0 replaced by a port free now: each proxy keeps a port of its own across
     * disable/enable, and two proxies asking for port 0 do not ask for the same address.
     */
    private static String withPort(String listen) {
        Endpoint endpoint = Endpoint.parse(listen);
        if (!(endpoint instanceof Endpoint.Inet inet) || inet.port() != 0) {
            return listen;
        }
        try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
            probe.bind(new java.net.InetSocketAddress(inet.isWildcard() ? "0.0.0.0" : inet.host(), 0));
            String host = inet.isWildcard() ? "" : inet.host().contains(":") ? "[" + inet.host() + "]" : inet.host();
            return host + ":" + probe.getLocalPort();
        } catch (java.io.IOException e) {
            throw new ToxiproxyError(400, "cannot find a free port on " + inet.host() + ": " + e.getMessage());
        }
    }

    /** Makes the relay's routes the enabled proxies, then gives each route its proxy's toxics. */
    private void apply() {
        List<RouteConfig> routes = new ArrayList<>();
        for (Proxy p : proxies.values()) {
            if (p.enabled) {
                routes.add(RouteConfig.builder(p.name).listen(Endpoint.parse(p.listen))
                        .upstream(Endpoint.parse(p.upstream)).connectRetries(0).build());
            }
        }
        relay.reload(relay.config().withRoutes(routes));
        proxies.values().stream().filter(p -> p.enabled).forEach(this::sync);
    }

    private void sync(Proxy proxy) {
        RouteContext route = relay.routes().get(proxy.name);
        if (route == null) {
            return;
        }
        ToxicSet set = route.toxics();
        for (Toxic running : set.list()) {
            if (proxy.toxics.stream().noneMatch(t -> t.name().equals(running.name()))) {
                set.remove(running.name());
            }
        }
        for (Toxic toxic : proxy.toxics) {
            if (set.list().stream().anyMatch(t -> t.name().equals(toxic.name()))) {
                set.update(toxic);
            } else {
                set.add(toxic);
            }
        }
    }

    /**
     * A toxic from its JSON; on an update, fields left out keep their {@code current} values. Each field is
     * checked for its type as Toxiproxy checks it (a string where a number belongs is a bad request body), and a
     * refusal carries Toxiproxy's own words.
     */
    private static Toxic toxic(JsonNode spec, Toxic current) {
        if (!spec.isObject()) {
            throw new ToxiproxyError(400, "bad request body: expected a JSON object");
        }
        ToxicType type = current != null ? current.type() : JsonFields.toxicType(JsonFields.text(spec, "type", ""));
        Direction stream = current != null && !spec.has("stream") ? current.stream()
                : JsonFields.stream(JsonFields.text(spec, "stream", "downstream"));
        double toxicity = spec.has("toxicity") ? JsonFields.number(spec.get("toxicity"), "toxicity").doubleValue()
                : current != null ? current.toxicity() : 1.0;
        if (toxicity < 0 || toxicity > 1) {
            throw new ToxiproxyError(400, "bad request body: toxicity must be from 0 to 1");
        }
        String name = current != null ? current.name()
                : JsonFields.text(spec, "name", type.label() + "_" + stream.name().toLowerCase(Locale.ROOT));
        Map<String, Long> attributes = new LinkedHashMap<>(current == null ? Map.of() : current.attributes());
        JsonNode given = spec.path("attributes");
        if (!given.isMissingNode() && !given.isNull() && !given.isObject()) {
            throw new ToxiproxyError(400, "bad request body: attributes must be an object");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = given.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            attributes.put(entry.getKey(), JsonFields.number(entry.getValue(), "attributes." + entry.getKey()).longValue());
        }
        return new Toxic(name.isEmpty() ? type.label() + "_" + stream.name().toLowerCase(Locale.ROOT) : name,
                type, stream, toxicity, attributes);
    }

    private ObjectNode view(Proxy p) {
        ObjectNode node = JSON.createObjectNode();
        node.put("name", p.name);
        node.put("listen", boundAddress(p));
        node.put("upstream", p.upstream);
        node.put("enabled", p.enabled);
        ArrayNode toxics = node.putArray("toxics");
        p.toxics.forEach(t -> toxics.add(view(t)));
        return node;
    }

    /** Where the proxy listens: the bound address while enabled (the real port when 0 was asked for). */
    private String boundAddress(Proxy p) {
        if (p.enabled && relay.routes().containsKey(p.name)) {
            List<SocketAddress> bound = relay.localAddresses(p.name);
            if (!bound.isEmpty()) {
                return Addresses.format(bound.get(0));
            }
        }
        return p.listen;
    }

    private static ObjectNode view(Toxic t) {
        ObjectNode node = JSON.createObjectNode();
        node.put("name", t.name());
        node.put("type", t.type().label());
        node.put("stream", t.stream().name().toLowerCase(Locale.ROOT));
        node.put("toxicity", (float) t.toxicity());
        ObjectNode attributes = node.putObject("attributes");
        t.attributes().forEach(attributes::put);
        return node;
    }

    /** The answer to a request that could not be read at all. */
    static Answer badRequest(String message) {
        return error(400, message);
    }

    private static Answer error(int status, String message) {
        ObjectNode node = JSON.createObjectNode();
        node.put("error", message);
        node.put("status", status);
        return Answer.json(status, node);
    }


}
