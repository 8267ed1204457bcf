package dev.relay.cli;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.UnsynchronizedAppenderBase;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Hands log events from the event loops to one writer thread, which writes them to {@code target} in batches.
 * Logback's AsyncAppender wakes its writer for every event that finds it waiting: at thousands of connections a
 * second that was most of a context switch per connection (docs/performance.md). Here a woken writer first lets
 * events gather for {@link #GATHER_NANOS}, then writes all it has, and sleeps without a timeout when the queue is
 * empty, so a busy relay wakes it at most a hundred times a second and an idle one never. A lone line is written
 * within about 10 ms. The queue blocks only when full, so no line is dropped, and {@link #stop()} writes what is
 * left.
 */
final class BatchingAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {

    static final long GATHER_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final long STOP_WAIT_MILLIS = 5_000;

    private final BlockingQueue<ILoggingEvent> queue;
    private final Appender<ILoggingEvent> target;
    private final Thread writer;
    private volatile boolean running;
    private volatile boolean waiting;

    BatchingAppender(Appender<ILoggingEvent> target, int capacity, String threadName) {
        this.target = target;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.writer = new Thread(this::writeUntilStopped, threadName);
        this.writer.setDaemon(true);
    }

    @Override
    public void start() {
        running = true;
        writer.start();
        super.start();
    }

    @Override
    protected void append(ILoggingEvent event) {
        event.prepareForDeferredProcessing(); // the message is formatted now, with the arguments as they are now
        if (!queue.offer(event)) {
            LockSupport.unpark(writer);
            try {
                queue.put(event);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        if (waiting) {
            LockSupport.unpark(writer);
        }
    }

    private void writeUntilStopped() {
        List<ILoggingEvent> batch = new ArrayList<>();
        while (running) {
            LockSupport.parkNanos(this, GATHER_NANOS);
            writeAll(batch);
            waiting = true;
            // Checked after announcing the wait: an event queued before it is seen here, one after it unparks.
            if (queue.isEmpty() && running) {
                LockSupport.park(this);
            }
            waiting = false;
        }
        writeAll(batch);
    }

    private void writeAll(List<ILoggingEvent> batch) {
        while (queue.drainTo(batch) > 0) {
            for (ILoggingEvent event : batch) {
                target.doAppend(event);
            }
            batch.clear();
        }
    }

    @Override
    public void stop() {
        if (!isStarted()) {
            return;
        }
        super.stop();
        running = false;
        LockSupport.unpark(writer);
        try {
            writer.join(STOP_WAIT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        target.stop();
    }
}
