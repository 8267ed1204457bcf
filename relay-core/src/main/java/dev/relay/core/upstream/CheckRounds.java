package dev.relay.core.upstream;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** The rhythm of a pool's active checks, TCP or UDP: every upstream checked at once, then again every interval. */
final class CheckRounds {

    private CheckRounds() {
    }

    /** Runs {@code check} on each of {@code pool}'s upstreams now and every {@code health_check.interval}, on {@code loop}. */
    static ScheduledFuture<?> start(UpstreamPool pool, EventLoop loop, Consumer<Upstream> check) {
        long every = pool.route().healthCheck().interval().toMillis();
        return loop.scheduleAtFixedRate(() -> pool.members().forEach(check), 0, every, TimeUnit.MILLISECONDS);
    }
}
