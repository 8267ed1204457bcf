package dev.relay.core.server;

import dev.relay.core.proxy.CloseReason;
import dev.relay.core.proxy.ConnectionRegistry;
import dev.relay.core.proxy.RelayConnection;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BooleanSupplier;

/**
 * The end of a stop: open connections get the drain timeout to finish, then the rest are closed.
 */
public final class Stop {

    /** After the drain timeout, how long closing the remaining connections may take before the loops stop anyway. */
    private static final Duration FORCED_CLOSE_GRACE = Duration.ofSeconds(5);

    private Stop() {
    }

    /**
     * Waits up to {@code timeout} for every connection in {@code registry} to end, or until {@code cutShort} says
     * to stop waiting (a second stop signal); then closes the ones still open, each on its own loop, and waits a
     * short grace for them. Blocks: never on an event loop.
     */
    public static void drain(ConnectionRegistry registry, Duration timeout, BooleanSupplier cutShort)
            throws InterruptedException {
        if (registry.awaitEmpty(timeout, cutShort)) {
            return;
        }
        for (RelayConnection connection : registry.connections()) {
            try {
                connection.client().eventLoop().execute(() -> connection.close(CloseReason.SHUTDOWN));
            } catch (RejectedExecutionException e) {
                // its loop is gone (LoopWatch told of it): nothing left to close it on
            }
        }
        registry.awaitEmpty(FORCED_CLOSE_GRACE);
    }
}
