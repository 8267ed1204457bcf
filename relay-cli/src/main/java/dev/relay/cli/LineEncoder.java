package dev.relay.cli;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.encoder.EncoderBase;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * One line per event, {@code 2026-11-25T21:59:47.840Z INFO  RelayServer - message}, then the stack trace if the
 * event carries one: what logback's pattern {@code %d{...XXX} %-5level %logger{0} - %msg%n} prints, written
 * directly. Logback's pattern layout generates a class per converter it knows when it starts, about 40 ms of
 * the relay's start for a format that never changes. The access log's text lines are the message alone.
 */
final class LineEncoder extends EncoderBase<ILoggingEvent> {

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX").withZone(ZoneId.systemDefault());
    private static final String NEWLINE = System.lineSeparator();

    private final boolean prefixed;

    private LineEncoder(boolean prefixed) {
        this.prefixed = prefixed;
    }

    /** Time, level, logger and message: the relay's log. */
    static LineEncoder prefixed() {
        return new LineEncoder(true);
    }

    /** The message alone: the access log's text lines, which carry their own time. */
    static LineEncoder messageOnly() {
        return new LineEncoder(false);
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        StringBuilder line = new StringBuilder(160);
        if (prefixed) {
            TIME.formatTo(Instant.ofEpochMilli(event.getTimeStamp()), line);
            String level = event.getLevel().toString();
            line.append(' ').append(level).append(" ".repeat(Math.max(0, 5 - level.length()))).append(' ');
            String logger = event.getLoggerName();
            line.append(logger, logger.lastIndexOf('.') + 1, logger.length()).append(" - ");
        }
        line.append(event.getFormattedMessage()).append(NEWLINE);
        IThrowableProxy thrown = event.getThrowableProxy();
        if (thrown != null) {
            line.append(ThrowableProxyUtil.asString(thrown)).append(NEWLINE);
        }
        return line.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public byte[] headerBytes() {
        return null;
    }

    @Override
    public byte[] footerBytes() {
        return null;
    }
}
