package dev.relay.core.base;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Open connections (or UDP sessions) per client address, for the per-client limit. An address leaves the map at
 * zero.
 */
public final class ClientCounts {

    private final ConcurrentMap<InetAddress, Integer> open = new ConcurrentHashMap<>();

    /** Counts one more connection from {@code client} unless it has {@code max} already; zero means no limit. */
    public boolean tryAcquire(InetAddress client, int max) {
        boolean[] admitted = {false};
        open.compute(client, (address, count) -> {
            int now = count == null ? 0 : count;
            if (max > 0 && now >= max) {
                return count;
            }
            admitted[0] = true;
            return now + 1;
        });
        return admitted[0];
    }

    public void release(InetAddress client) {
        open.computeIfPresent(client, (address, count) -> count <= 1 ? null : count - 1);
    }
}
