package dev.relay.core.testing;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/** Keeps relay's own log lines so tests can check what an operator would read. */
public final class CapturedLogs extends AppenderBase<ILoggingEvent> {

    private static final int KEEP = 20_000;
    private static final ConcurrentLinkedQueue<String> LINES = new ConcurrentLinkedQueue<>();

    @Override
    protected void append(ILoggingEvent event) {
        LINES.add(event.getLevel() + " " + event.getFormattedMessage());
        while (LINES.size() > KEEP) {
            LINES.poll();
        }
    }

    /** Whether any kept line contains every one of {@code parts}. */
    public static boolean contains(String... parts) {
        return LINES.stream().anyMatch(line -> List.of(parts).stream().allMatch(line::contains));
    }
}
