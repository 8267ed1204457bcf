package dev.relay.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LineEncoderTest {

    private final LoggerContext context = new LoggerContext();

    private String encode(LineEncoder encoder, Level level, String message, Throwable thrown) {
        LoggingEvent event = new LoggingEvent("x", context.getLogger("dev.relay.core.RelayServer"), level, message,
                thrown, new Object[] {"web"});
        return new String(encoder.encode(event), StandardCharsets.UTF_8);
    }

    @Test
    void aLineHasTheTimeTheLevelPaddedTheClassAndTheMessage() {
        String line = encode(LineEncoder.prefixed(), Level.INFO, "route {} started", null);
        assertTrue(line.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d\\d:\\d\\d) INFO  RelayServer"
                + " - route web started" + System.lineSeparator()), line);
    }

    @Test
    void aThrowableFollowsItsLine() {
        String lines = encode(LineEncoder.prefixed(), Level.ERROR, "failed", new IllegalStateException("boom"));
        assertTrue(lines.contains("ERROR RelayServer - failed" + System.lineSeparator()
                + "java.lang.IllegalStateException: boom"), lines);
    }

    @Test
    void theAccessLogsTextIsTheMessageAlone() {
        assertEquals("route web" + System.lineSeparator(),
                encode(LineEncoder.messageOnly(), Level.INFO, "route {}", null));
    }
}
