package dev.relay.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.hook.DefaultShutdownHook;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * The CLI's logging, set up in code (found by logback through {@code META-INF/services}): reading an XML file
 * with logback's Joran costs about 0.2 s of the relay's start, a quarter of it. An operator's own file still wins:
 * with {@code -Dlogback.configurationFile=...} this steps aside and logback reads that file.
 *
 * <p>Logs go to stderr (stdout belongs to the data: {@code relay send} prints what the server sent). Event loops
 * hand each line to a queue of 8,192 that one background thread writes ({@link BatchingAppender}), so a slow
 * terminal or journal never stalls relaying; the queue blocks only when full, so no line is dropped, and it is
 * flushed when the JVM exits.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class LogSetup extends ContextAwareBase implements Configurator {

    private static final int QUEUE_SIZE = 8192;

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        LineEncoder encoder = LineEncoder.prefixed();
        encoder.setContext(context);
        encoder.start();

        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName("STDERR");
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder);
        stderr.start();

        BatchingAppender async = new BatchingAppender(stderr, QUEUE_SIZE, "relay-log-writer");
        async.setContext(context);
        async.setName("ASYNC");
        async.start();

        context.getLogger("io.netty").setLevel(Level.WARN);
        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(async);

        DefaultShutdownHook flush = new DefaultShutdownHook();
        flush.setContext(context);
        Runtime.getRuntime().addShutdownHook(new Thread(flush, "relay-log-flush"));
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
