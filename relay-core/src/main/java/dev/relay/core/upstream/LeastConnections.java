package dev.relay.core.upstream;

import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The candidate with the fewest open connections for its weight. The scan starts one further on each pick, so
 * equally loaded upstreams take turns instead of the first in the list taking every tie.
 */
final class LeastConnections implements Balancer {

    private final AtomicInteger start = new AtomicInteger();

    @Override
    public Upstream pick(List<Upstream> candidates, InetAddress client) {
        int n = candidates.size();
        int offset = Math.floorMod(start.getAndIncrement(), n);
        Upstream best = candidates.get(offset);
        for (int i = 1; i < n; i++) {
            Upstream next = candidates.get((offset + i) % n);
            if (Balancer.lighter(next, best)) {
                best = next;
            }
        }
        return best;
    }
}
