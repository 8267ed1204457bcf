package dev.relay.core.config.file;

import dev.relay.core.config.ConfigException;
import dev.relay.core.config.Durations;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * One YAML mapping being read, with the section it falls back to for keys it lacks (a route falls back to
 * {@code defaults}). Every accessor reports a bad value to {@link Problems} at the value's line and returns the
 * fallback instead, so reading goes on and one pass finds every problem.
 */
final class Section {

    private final Node node;
    private final String path;
    private final Map<String, NodeTuple> entries = new LinkedHashMap<>();
    private final Section fallback;
    private final Problems problems;

    private Section(Node node, String path, Section fallback, Problems problems) {
        this.node = node;
        this.path = path;
        this.fallback = fallback;
        this.problems = problems;
        if (node instanceof MappingNode mapping) {
            for (NodeTuple entry : mapping.getValue()) {
                String key = entry.getKeyNode() instanceof ScalarNode scalar ? scalar.getValue() : null;
                if (key == null) {
                    problems.at(entry.getKeyNode(), "a key must be a plain word");
                } else if (entries.putIfAbsent(key, entry) != null) {
                    problems.at(entry.getKeyNode(), "duplicate key \"" + key + "\"");
                }
            }
        }
    }

    /**
     * {@code node} read as a mapping named {@code what}; a node of another kind is reported. Keys inside are
     * named {@code path + key} in messages ({@code path} empty or ending in a dot).
     */
    static Section of(Node node, String what, String path, Section fallback, Problems problems) {
        if (node != null && !(node instanceof MappingNode)) {
            problems.at(node, what + ": expected a mapping of keys to values");
            return new Section(null, path, fallback, problems);
        }
        return new Section(node, path, fallback, problems);
    }

    Node node() {
        return node;
    }

    /** Reports every key outside {@code allowed}. */
    Section allowOnly(String what, String... allowed) {
        Set<String> known = Set.of(allowed);
        for (Map.Entry<String, NodeTuple> entry : entries.entrySet()) {
            if (!known.contains(entry.getKey())) {
                problems.at(entry.getValue().getKeyNode(), "unknown key \"" + entry.getKey() + "\" in " + what
                        + " (expected one of: " + String.join(", ", Arrays.asList(allowed)) + ")");
            }
        }
        return this;
    }

    /** The value node of {@code key} here, else in the fallback, else null; {@code key:} or {@code key: null} is absent. */
    Node value(String key) {
        NodeTuple entry = entries.get(key);
        if (entry != null) {
            return entry.getValueNode().getTag() == Tag.NULL ? null : entry.getValueNode();
        }
        return fallback == null ? null : fallback.value(key);
    }

    /** The key node of {@code key} in this mapping itself, not in its fallback; null when it has none. */
    Node ownKey(String key) {
        NodeTuple entry = entries.get(key);
        return entry == null ? null : entry.getKeyNode();
    }

    /** The sub-section {@code key}, falling back to the fallback's sub-section of the same key. */
    Section section(String key) {
        NodeTuple entry = entries.get(key);
        Section deeper = fallback == null ? null : fallback.section(key);
        return of(entry == null ? null : entry.getValueNode(), path + key, path + key + ".", deeper, problems);
    }

    String string(String key, String otherwise) {
        return scalar(key, otherwise, text -> text);
    }

    Duration duration(String key, Duration otherwise) {
        return scalar(key, otherwise, Durations::parse);
    }

    int integer(String key, int otherwise) {
        return scalar(key, otherwise, text -> {
            try {
                return Integer.parseInt(text);
            } catch (NumberFormatException e) {
                throw new ConfigException("\"" + text + "\" is not a whole number");
            }
        });
    }

    boolean bool(String key, boolean otherwise) {
        return scalar(key, otherwise, text -> switch (text) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new ConfigException("\"" + text + "\" is not true or false");
        });
    }

    /** A scalar value parsed by {@code parse}; a parse failure is reported as {@code key: message}. */
    <T> T scalar(String key, T otherwise, Function<String, T> parse) {
        Node value = value(key);
        if (value == null) {
            return otherwise;
        }
        return parse(value, key, otherwise, parse);
    }

    <T> T parse(Node value, String key, T otherwise, Function<String, T> parse) {
        if (!(value instanceof ScalarNode scalar)) {
            problems.at(value, path + key + ": expected a single value");
            return otherwise;
        }
        try {
            return parse.apply(scalar.getValue());
        } catch (ConfigException e) {
            problems.at(value, path + key + ": " + e.getMessage());
            return otherwise;
        }
    }

    /** The items of {@code key}: a list, or one value standing for a list of one. Empty when absent. */
    List<Node> list(String key) {
        Node value = value(key);
        if (value == null) {
            return List.of();
        }
        if (value instanceof SequenceNode sequence) {
            return new ArrayList<>(sequence.getValue());
        }
        if (value instanceof ScalarNode) {
            return List.of(value);
        }
        problems.at(value, path + key + ": expected a list");
        return List.of();
    }

    /** The items of {@code key}, each parsed by {@code parse}; the ones that do not parse are reported and left out. */
    <T> List<T> listOf(String key, Function<String, T> parse) {
        List<T> values = new ArrayList<>();
        for (Node item : list(key)) {
            T value = parse(item, key, null, parse);
            if (value != null) {
                values.add(value);
            }
        }
        return values;
    }

}
