package dev.relay.core.config.file;

import java.time.Duration;
import dev.relay.core.base.Direction;
import dev.relay.core.config.Cidr;
import dev.relay.core.config.Endpoint;
import dev.relay.core.config.Toxic;
import dev.relay.core.config.ToxicSchedule;
import dev.relay.core.config.ToxicScope;
import dev.relay.core.config.ToxicType;
import org.snakeyaml.engine.v2.nodes.Node;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reads a route's {@code toxics:}: Toxiproxy's fields, relay's scope and schedule, each problem at its place. */
final class ToxicReader {

    private final Problems problems;
    private final Records records;

    ToxicReader(Problems problems) {
        this.problems = problems;
        this.records = new Records(problems);
    }

    /** The route's {@code toxics:}, each checked at its own place; Toxiproxy's names, with scope and schedule. */
    List<Toxic> toxics(Section route) {
        List<Toxic> toxics = new ArrayList<>();
        for (Node item : route.list("toxics")) {
            Section t = Section.of(item, "a toxic", "toxics.", null, problems).allowOnly("a toxic", "name", "type",
                    "stream", "toxicity", "attributes", "clients", "upstream", "after", "for", "every");
            int problemsBefore = problems.count();
            ToxicType type = t.scalar("type", null, ToxicType::parse);
            if (t.value("type") == null) {
                problems.at(item, "toxics: every toxic needs a type (" + String.join(", ",
                        java.util.Arrays.stream(ToxicType.values()).map(ToxicType::label).toList()) + ")");
            }
            Direction stream = t.scalar("stream", Direction.DOWNSTREAM, ToxicFields::stream);
            String name = t.string("name", type == null ? "" : type.label() + "_"
                    + stream.name().toLowerCase(java.util.Locale.ROOT));
            double toxicity = t.scalar("toxicity", 1.0, ToxicFields::toxicity);
            Map<String, Long> attributes = attributes(t.section("attributes"), type);
            List<Cidr> clients = t.listOf("clients", Cidr::parse);
            Endpoint upstream = t.scalar("upstream", null, Endpoint::parse);
            var after = t.duration("after", Duration.ZERO);
            var duration = t.duration("for", Duration.ZERO);
            var every = t.duration("every", Duration.ZERO);
            if (type == null || problems.count() > problemsBefore) {
                continue;
            }
            Toxic toxic = records.build(item, () -> new Toxic(name, type, stream, toxicity, attributes,
                    new ToxicScope(clients, upstream), new ToxicSchedule(after, duration, every)));
            if (toxic != null) {
                toxics.add(toxic);
            }
        }
        return toxics;
    }
    private Map<String, Long> attributes(Section a, ToxicType type) {
        Map<String, Long> attributes = new java.util.LinkedHashMap<>();
        if (a.node() == null || type == null) {
            return attributes;
        }
        a.allowOnly("attributes of " + type.label(), type.defaults().keySet().stream().sorted().toArray(String[]::new));
        for (String key : type.defaults().keySet()) {
            long value = a.scalar(key, -1L, ToxicFields::attribute);
            if (value >= 0) {
                attributes.put(key, value);
            }
        }
        return attributes;
    }
}
