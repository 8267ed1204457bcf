package dev.relay.core.toxic;

import dev.relay.core.config.ConfigException;
import dev.relay.core.base.Direction;

import java.util.LinkedHashMap;
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
 */
public record Toxic(String name, ToxicType type, Direction stream, double toxicity, Map<String, Long> attributes) {

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
