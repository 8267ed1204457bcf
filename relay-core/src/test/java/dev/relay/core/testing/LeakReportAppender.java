package dev.relay.core.testing;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/** Keeps each leak report Netty's ResourceLeakDetector logs, for {@link LeakReportGuard} to fail on. */
public final class LeakReportAppender extends AppenderBase<ILoggingEvent> {

    private static final ConcurrentLinkedQueue<String> REPORTS = new ConcurrentLinkedQueue<>();

    @Override
    protected void append(ILoggingEvent event) {
        REPORTS.add(event.getFormattedMessage());
    }

    /** The reports made since the last call. */
    static List<String> drain() {
        List<String> reports = new ArrayList<>();
        for (String report; (report = REPORTS.poll()) != null; ) {
            reports.add(report);
        }
        return reports;
    }
}
