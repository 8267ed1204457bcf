package dev.relay.core.upstream;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/** The rhythm of a pool's active checks, TCP or UDP: every upstream checked at once, then again every interval. */
final class CheckRounds {

    private CheckRounds() {
    }

    /**
     * Runs {@code check} on each upstream of the route's current pool now and every {@code health_check.interval},
     * on {@code loop}. The pool is asked for at each round: a discovered pool changes between reloads.
     */
    static ScheduledFuture<?> start(Supplier<UpstreamPool> pool, EventLoop loop, Consumer<Upstream> check) {
        long every = pool.get().route().healthCheck().interval().toMillis();
        return loop.scheduleAtFixedRate(() -> pool.get().members().forEach(check), 0, every, TimeUnit.MILLISECONDS);
    }
}
