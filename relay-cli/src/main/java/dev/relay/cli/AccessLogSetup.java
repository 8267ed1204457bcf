package dev.relay.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.rolling.FixedWindowRollingPolicy;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeBasedTriggeringPolicy;
import ch.qos.logback.core.util.Duration;
import ch.qos.logback.core.util.FileSize;
import dev.relay.core.access.AccessLog;
import dev.relay.core.config.AccessLogConfig;
import org.slf4j.LoggerFactory;

/**
 * Points the access logger ({@code relay.access}) where the config says: a file rotated by size
 * ({@code access.log}, {@code access.log.1} ... {@code .N}) or stdout, as text or JSON lines. Like the other
 * logs, lines go through a queue to a background writer, so a slow disk never stalls relaying; the queue blocks
 * only when full, so no line is dropped.
 */
final class AccessLogSetup {

    private static final int QUEUE_SIZE = 8192;

    private AccessLogSetup() {
    }

    static void apply(AccessLogConfig config) {
        if (!config.enabled() || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        OutputStreamAppender<ILoggingEvent> sink = config.path() == null ? new ConsoleAppender<>() : rolling(context, config);
        sink.setContext(context);
        sink.setName("ACCESS");
        sink.setEncoder(encoder(context, config.format()));
        sink.start();

        BatchingAppender async = new BatchingAppender(sink, QUEUE_SIZE, "relay-access-log-writer");
        async.setContext(context);
        async.setName("ACCESS_ASYNC");
        async.start();

        ch.qos.logback.classic.Logger access = context.getLogger(AccessLog.LOGGER);
        access.setAdditive(false);
        access.setLevel(Level.INFO);
        access.addAppender(async);
    }

    private static RollingFileAppender<ILoggingEvent> rolling(LoggerContext context, AccessLogConfig config) {
        RollingFileAppender<ILoggingEvent> file = new RollingFileAppender<>();
        file.setContext(context);
        file.setFile(config.path().toString());
        FixedWindowRollingPolicy window = new FixedWindowRollingPolicy();
        window.setContext(context);
        window.setParent(file);
        window.setFileNamePattern(config.path() + ".%i");
        window.setMinIndex(1);
        window.setMaxIndex(config.maxFiles());
        window.start();
        SizeBasedTriggeringPolicy<ILoggingEvent> size = new SizeBasedTriggeringPolicy<>();
        size.setContext(context);
        size.setMaxFileSize(new FileSize(config.maxBytes()));
        // Logback checks the size at most once a minute unless told otherwise; the check runs on the log's writer
        // thread (never an event loop), so checking every line keeps files at their size for little cost.
        size.setCheckIncrement(Duration.buildByMilliseconds(0));
        size.start();
        file.setRollingPolicy(window);
        file.setTriggeringPolicy(size);
        return file;
    }

    private static Encoder<ILoggingEvent> encoder(LoggerContext context, AccessLogConfig.Format format) {
        if (format == AccessLogConfig.Format.JSON) {
            AccessJsonEncoder json = new AccessJsonEncoder();
            json.setContext(context);
            json.start();
            return json;
        }
        LineEncoder text = LineEncoder.messageOnly();
        text.setContext(context);
        text.start();
        return text;
    }
}
