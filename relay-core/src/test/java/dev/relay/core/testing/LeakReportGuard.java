package dev.relay.core.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Fails a test class when Netty reported a leaked buffer while it ran. Registered for every test class through
 * the ServiceLoader (see junit-platform.properties); the build runs with paranoid leak detection.
 *
 * <p>Netty reports a leak only after the garbage collector has found the lost buffer and a later allocation has
 * looked: so after each class, collect a few times, allocating in between, before reading the reports.
 */
public final class LeakReportGuard implements AfterAllCallback {

    private static final int COLLECTIONS = 4;

    @Override
    public void afterAll(ExtensionContext context) {
        AtomicInteger rounds = new AtomicInteger();
        Awaitility.await("leak detector rounds")
                .pollInterval(Duration.ofMillis(25))
                .atMost(Duration.ofSeconds(5))
                .until(() -> {
                    System.gc();
                    ByteBuf probe = ByteBufAllocator.DEFAULT.directBuffer(16);
                    probe.release();
                    return rounds.incrementAndGet() >= COLLECTIONS;
                });
        List<String> reports = LeakReportAppender.drain();
        if (!reports.isEmpty()) {
            fail(reports.size() + " ByteBuf leak report(s) while running " + context.getDisplayName() + ":\n"
                    + String.join("\n", reports));
        }
    }
}
