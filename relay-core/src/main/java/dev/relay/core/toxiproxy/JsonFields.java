package dev.relay.core.toxiproxy;

import dev.relay.core.config.ToxicType;
import dev.relay.core.http.HttpError;
import dev.relay.core.http.Reply;
import com.fasterxml.jackson.databind.JsonNode;
import dev.relay.core.base.Direction;

import java.util.Locale;
import java.util.function.Predicate;

/**
 * Reads the fields of a Toxiproxy API request body as Toxiproxy does: each field must have its JSON type (a string
 * where a number belongs is a bad request body), and every refusal is a {@link HttpError} in Toxiproxy's own
 * words, never Java's.
 */
final class JsonFields {

    private JsonFields() {
    }

    static ToxicType toxicType(String text) {
        try {
            return ToxicType.parse(text);
        } catch (RuntimeException e) {
            throw new HttpError(400, "invalid toxic type");
        }
    }

    static Direction stream(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "upstream" -> Direction.UPSTREAM;
            case "downstream" -> Direction.DOWNSTREAM;
            default -> throw new HttpError(400, "stream was invalid, can be either upstream or downstream");
        };
    }

    /** A string field, or {@code otherwise} when it is absent or null; any other JSON type is refused. */
    static String text(JsonNode spec, String field, String otherwise) {
        JsonNode value = present(spec, field, JsonNode::isTextual, "a string");
        return value == null ? otherwise : value.textValue();
    }

    /** A boolean field, or {@code otherwise} when it is absent or null. */
    static boolean bool(JsonNode spec, String field, boolean otherwise) {
        JsonNode value = present(spec, field, JsonNode::isBoolean, "true or false");
        return value == null ? otherwise : value.booleanValue();
    }

    /** The field's value, null when it is absent or JSON null; refused when it is not of the wanted type. */
    private static JsonNode present(JsonNode spec, String field, Predicate<JsonNode> wanted, String what) {
        JsonNode value = spec.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!wanted.test(value)) {
            throw new HttpError(400, "bad request body: " + field + " must be " + what);
        }
        return value;
    }

    static Number number(JsonNode value, String field) {
        if (value == null || !value.isNumber()) {
            throw new HttpError(400, "bad request body: " + field + " must be a number");
        }
        return value.numberValue();
    }

    static JsonNode object(JsonNode node) {
        if (!node.isObject()) {
            throw new HttpError(400, "bad request body: expected a JSON object");
        }
        return node;
    }

    static JsonNode read(String body) {
        try {
            return body == null || body.isBlank() ? Reply.JSON.createObjectNode() : Reply.JSON.readTree(body);
        } catch (java.io.IOException e) {
            throw new HttpError(400, "bad request body: " + e.getMessage());
        }
    }
}
