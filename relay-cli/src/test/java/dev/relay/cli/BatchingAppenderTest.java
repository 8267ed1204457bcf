package dev.relay.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.AppenderBase;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BatchingAppenderTest {

    private final LoggerContext context = new LoggerContext();

    BatchingAppenderTest() {
        context.setMDCAdapter(new LogbackMDCAdapter()); // what logback's own start sets up, for deferred events
    }

    /** Collects what reaches it; optionally holds the writer until released, to fill the queue. */
    private static final class Collector extends AppenderBase<ILoggingEvent> {
        final List<String> lines = new CopyOnWriteArrayList<>();
        final CountDownLatch release;

        Collector(CountDownLatch release) {
            this.release = release;
        }

        @Override
        protected void append(ILoggingEvent event) {
            try {
                assertTrue(release.await(30, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            lines.add(event.getFormattedMessage());
        }
    }

    private BatchingAppender started(Collector target, int capacity) {
        target.setContext(context);
        target.start();
        BatchingAppender appender = new BatchingAppender(target, capacity, "test-log-writer");
        appender.setContext(context);
        appender.start();
        return appender;
    }

    private ILoggingEvent event(int n) {
        return new LoggingEvent("x", context.getLogger("t"), Level.INFO, "line {}", null, new Object[] {n});
    }

    @Test
    void aLoneLineIsWrittenSoonWithoutWaitingForMore() {
        Collector target = new Collector(new CountDownLatch(0));
        BatchingAppender appender = started(target, 16);
        appender.doAppend(event(1));
        await().atMost(Duration.ofSeconds(5)).until(() -> target.lines.equals(List.of("line 1")));
        appender.stop();
    }

    @Test
    void everyLineArrivesInOrderEvenWhenTheQueueFillsAndStopWritesTheRest() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Collector target = new Collector(release);
        BatchingAppender appender = started(target, 4);
        Thread producer = new Thread(() -> IntStream.range(0, 1000).forEach(n -> appender.doAppend(event(n))));
        producer.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> producer.getState() == Thread.State.WAITING);
        release.countDown(); // the writer was held: the producer blocked on the full queue, nothing was dropped
        producer.join(30_000);
        appender.stop();
        assertEquals(IntStream.range(0, 1000).mapToObj(n -> "line " + n).toList(), target.lines);
        assertTrue(!target.isStarted(), "stopping the batcher stops its target");
    }
}
