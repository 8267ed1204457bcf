package dev.relay.core.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * An answer to one request: status, content type, body, and any extra headers. JSON bodies are written by one
 * Jackson mapper for every API: records' components in snake_case, trees as they are built.
 */
public record Reply(int status, String contentType, byte[] body, Map<String, String> headers) {

    public static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

    public Reply {
        headers = Map.copyOf(headers);
    }

    /** {@code body} as JSON (a record, a Jackson tree, a list); null for an empty body. */
    public static Reply json(int status, Object body) {
        if (body == null) {
            return new Reply(status, "application/json", new byte[0], Map.of());
        }
        try {
            return new Reply(status, "application/json", JSON.writeValueAsBytes(body), Map.of());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a " + body.getClass().getSimpleName() + " as JSON", e);
        }
    }

    public static Reply text(int status, String contentType, byte[] body) {
        return new Reply(status, contentType, body, Map.of());
    }

    public static Reply text(int status, String contentType, String body) {
        return text(status, contentType, body.getBytes(StandardCharsets.UTF_8));
    }
}
