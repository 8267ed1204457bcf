package dev.relay.core.proxy;

import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/** The connections open right now, so a stop can wait for them to drain and then end the rest. */
public final class ConnectionRegistry {

    // A set, not a map by id: a boxed id per connection would be one object more for every open connection, and
    // nothing looks a connection up often enough to need the index.
    private final Set<RelayConnection> open = ConcurrentHashMap.newKeySet();
    private final Object emptied = new Object();

    void add(RelayConnection connection) {
        open.add(connection);
    }

    void remove(RelayConnection connection) {
        open.remove(connection);
        if (open.isEmpty()) {
            synchronized (emptied) {
                emptied.notifyAll();
            }
        }
    }

    public int size() {
        return open.size();
    }

    public Collection<RelayConnection> connections() {
        return Collections.unmodifiableCollection(open);
    }

    /** Waits, off any event loop, until no connection is open or {@code max} has passed; true if none is open. */
    public boolean awaitEmpty(Duration max) throws InterruptedException {
        return awaitEmpty(max, () -> false);
    }

    /**
     * The same, also ending as soon as {@code giveUp} says so; whoever makes it say so calls {@link #wakeWaiters()}
     * then.
     */
    public boolean awaitEmpty(Duration max, BooleanSupplier giveUp) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        synchronized (emptied) {
            while (!open.isEmpty() && !giveUp.getAsBoolean()) {
                long leftMillis = (deadline - System.nanoTime()) / 1_000_000;
                if (leftMillis <= 0) {
                    return false;
                }
                emptied.wait(leftMillis);
            }
        }
        return open.isEmpty();
    }

    /** Lets every {@link #awaitEmpty} look at its condition again. */
    public void wakeWaiters() {
        synchronized (emptied) {
            emptied.notifyAll();
        }
    }
}
