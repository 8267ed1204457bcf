package dev.relay.core.server;

import io.netty.util.concurrent.DefaultThreadFactory;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs a check of the routes' certificate files every interval ({@code certificate_check_interval}), on a thread
 * of its own: reading files and building TLS contexts must not hold up an event loop.
 */
public final class CertificateWatcher implements AutoCloseable {

    private final ScheduledExecutorService thread;

    private CertificateWatcher(ScheduledExecutorService thread) {
        this.thread = thread;
    }

    /** Runs {@code check} every {@code interval}; never when the interval is zero. */
    public static CertificateWatcher start(Duration interval, Runnable check) {
        if (interval.isZero()) {
            return new CertificateWatcher(null);
        }
        ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(
                new DefaultThreadFactory("relay-certificate-check", true));
        long millis = interval.toMillis();
        thread.scheduleWithFixedDelay(check, millis, millis, TimeUnit.MILLISECONDS);
        return new CertificateWatcher(thread);
    }

    @Override
    public void close() {
        if (thread != null) {
            thread.shutdownNow();
        }
    }
}
