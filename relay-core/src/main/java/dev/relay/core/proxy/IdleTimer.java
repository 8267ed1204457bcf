package dev.relay.core.proxy;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;

/**
 * Closes a connection once no byte has moved either way for the route's idle timeout. Netty's IdleStateHandler
 * notes the time of writes by giving every write a promise and a listener: an allocation per write on the data
 * path. Here the connection notes the time of each chunk it relays (a write only ever follows a read), and one
 * timer per connection, armed for the time left, looks at it: while traffic flows it fires once per timeout.
 * Runs on the connection's event loop.
 */
final class IdleTimer implements Runnable {

    private final RelayConnection connection;
    private final EventLoop loop;
    private final long timeoutNanos;
    private ScheduledFuture<?> pending;

    IdleTimer(RelayConnection connection, EventLoop loop, long timeoutNanos) {
        this.connection = connection;
        this.loop = loop;
        this.timeoutNanos = timeoutNanos;
        arm(timeoutNanos);
    }

    private void arm(long delayNanos) {
        pending = loop.schedule(this, delayNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void run() {
        if (connection.isClosing()) {
            return;
        }
        long quiet = connection.quietNanos();
        if (quiet >= timeoutNanos) {
            connection.close(CloseReason.IDLE_TIMEOUT);
        } else {
            arm(timeoutNanos - quiet);
        }
    }

    /** Stops the timer: the connection is gone, and the timer must not keep it in memory until it fires. */
    void cancel() {
        pending.cancel(false);
    }
}
