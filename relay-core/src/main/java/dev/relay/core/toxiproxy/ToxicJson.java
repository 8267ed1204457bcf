package dev.relay.core.toxiproxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.relay.core.base.Direction;
import dev.relay.core.config.Cidr;
import dev.relay.core.config.ConfigException;
import dev.relay.core.config.Durations;
import dev.relay.core.config.Endpoint;
import dev.relay.core.config.Toxic;
import dev.relay.core.config.ToxicSchedule;
import dev.relay.core.config.ToxicScope;
import dev.relay.core.config.ToxicType;
import dev.relay.core.http.HttpError;
import dev.relay.core.http.Reply;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A toxic in Toxiproxy's JSON, read with its checks and words, and written back as Toxiproxy writes it. */
final class ToxicJson {

    private ToxicJson() {
    }

    /**
     * A toxic from its JSON; on an update, fields left out keep their {@code current} values. Each field is
     * checked for its type as Toxiproxy checks it (a string where a number belongs is a bad request body), and a
     * refusal carries Toxiproxy's own words.
     */
    static Toxic toxic(JsonNode spec, Toxic current) {
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

    /** A toxic as Toxiproxy writes it; relay's own fields only where set. */
    static ObjectNode view(Toxic t) {
        ObjectNode node = Reply.JSON.createObjectNode();
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
