package dev.relay.core.proxy;

import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The connections open right now, so a stop can wait for them to drain and then end the rest. */
public final class ConnectionRegistry {

    private final Map<Long, RelayConnection> open = new ConcurrentHashMap<>();
    private final Object emptied = new Object();

    void add(RelayConnection connection) {
        open.put(connection.id(), connection);
    }

    void remove(long id) {
        open.remove(id);
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
        return Collections.unmodifiableCollection(open.values());
    }

    /** Waits, off any event loop, until no connection is open or {@code max} has passed; true if none is open. */
    public boolean awaitEmpty(Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        synchronized (emptied) {
            while (!open.isEmpty()) {
                long leftMillis = (deadline - System.nanoTime()) / 1_000_000;
                if (leftMillis <= 0) {
                    return false;
                }
                emptied.wait(leftMillis);
            }
        }
        return true;
    }
}
