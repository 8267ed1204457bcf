package dev.relay.cli;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.EncoderBase;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.event.KeyValuePair;

import java.nio.charset.StandardCharsets;

/**
 * Writes an access-log event as one JSON object per line, its key-value pairs as the object's fields, in the
 * order they were added: {@code {"time":"...","conn":7,"route":"web",...}}. Jackson writes the JSON.
 */
final class AccessJsonEncoder extends EncoderBase<ILoggingEvent> {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] NEWLINE = {'\n'};

    @Override
    public byte[] headerBytes() {
        return null;
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        ObjectNode line = JSON.createObjectNode();
        if (event.getKeyValuePairs() != null) {
            for (KeyValuePair pair : event.getKeyValuePairs()) {
                line.set(pair.key, JSON.valueToTree(pair.value));
            }
        } else {
            line.put("message", event.getFormattedMessage());
        }
        try {
            byte[] json = JSON.writeValueAsBytes(line);
            byte[] withNewline = new byte[json.length + 1];
            System.arraycopy(json, 0, withNewline, 0, json.length);
            withNewline[json.length] = NEWLINE[0];
            return withNewline;
        } catch (JsonProcessingException e) {
            return ("{\"message\":" + quoted(event.getFormattedMessage()) + "}\n").getBytes(StandardCharsets.UTF_8);
        }
    }

    private static String quoted(String text) {
        return JSON.getNodeFactory().textNode(text).toString();
    }

    @Override
    public byte[] footerBytes() {
        return null;
    }
}
