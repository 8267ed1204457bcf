package dev.relay.core.config;

import dev.relay.core.base.Direction;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One toxic on a route, as Toxiproxy describes it.
 *
 * @param name       unique on its route
 * @param type       what it does
 * @param stream     {@code UPSTREAM} (client to upstream) or {@code DOWNSTREAM}
 * @param toxicity   the chance, from 0 to 1, that a given connection is affected
 * @param attributes the type's attributes; missing ones take their defaults, unknown ones are refused
 * @param scope      which clients and upstreams it touches ({@link ToxicScope#EVERYONE} for all)
 * @param schedule   when it is on ({@link ToxicSchedule#ALWAYS} for from when it is set)
 */
public record Toxic(String name, ToxicType type, Direction stream, double toxicity, Map<String, Long> attributes,
                    ToxicScope scope, ToxicSchedule schedule) {

    public Toxic {
        if (name == null || name.isBlank()) {
            throw new ConfigException("a toxic needs a name");
        }
        if (type == null || stream == null) {
            throw new ConfigException("toxic " + name + ": type and stream are required");
        }
        if (!(toxicity >= 0 && toxicity <= 1)) {
            throw new ConfigException("toxic " + name + ": toxicity " + toxicity + " (expected: 0 to 1)");
        }
        Map<String, Long> complete = new TreeMap<>(type.defaults());
        for (Map.Entry<String, Long> entry : (attributes == null ? Map.<String, Long>of() : attributes).entrySet()) {
            if (!type.defaults().containsKey(entry.getKey())) {
                throw new ConfigException("toxic " + name + ": " + type.label() + " has no attribute " + entry.getKey()
                        + " (expected: " + String.join(", ", new TreeMap<>(type.defaults()).keySet()) + ")");
            }
            if (entry.getValue() == null || entry.getValue() < 0) {
                throw new ConfigException("toxic " + name + ": " + entry.getKey() + " must be 0 or more");
            }
            complete.put(entry.getKey(), entry.getValue());
        }
        attributes = Map.copyOf(complete);
        if (scope == null || schedule == null) {
            throw new ConfigException("toxic " + name + ": scope and schedule are required (use EVERYONE, ALWAYS)");
        }
    }

    /** A toxic on every connection, always on once set: Toxiproxy's kind. */
    public Toxic(String name, ToxicType type, Direction stream, double toxicity, Map<String, Long> attributes) {
        this(name, type, stream, toxicity, attributes, ToxicScope.EVERYONE, ToxicSchedule.ALWAYS);
    }

    /** This toxic for the clients in {@code clients} only (CIDRs, as {@code 10.0.0.0/8} or one address). */
    public Toxic forClients(Cidr... clients) {
        return new Toxic(name, type, stream, toxicity, attributes, new ToxicScope(List.of(clients), scope.upstream()),
                schedule);
    }

    /** This toxic on connections to {@code upstream} only, one of the route's pool. */
    public Toxic forUpstream(Endpoint upstream) {
        return new Toxic(name, type, stream, toxicity, attributes, new ToxicScope(scope.clients(), upstream), schedule);
    }

    /** This toxic on {@code schedule}. */
    public Toxic on(ToxicSchedule value) {
        return new Toxic(name, type, stream, toxicity, attributes, scope, value);
    }

    /** A toxic that affects every connection, named after its type and stream, as Toxiproxy names them. */
    public static Toxic of(ToxicType type, Direction stream, Map<String, Long> attributes) {
        return new Toxic(type.label() + "_" + stream.name().toLowerCase(java.util.Locale.ROOT), type, stream, 1.0,
                new LinkedHashMap<>(attributes));
    }

    public long attribute(String key) {
        return attributes.get(key);
    }
}
