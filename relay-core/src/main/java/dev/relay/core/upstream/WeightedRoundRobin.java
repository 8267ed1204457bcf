package dev.relay.core.upstream;

import java.net.InetAddress;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Smooth weighted round robin: each pick, every candidate gains its weight in credit and the richest is
 * picked and pays the total. Weights 5:1:1 give a a b a c a a, not a a a a a b c, so a heavy upstream's turns
 * are spread out. A lock guards the credits; a pick is a few additions per upstream.
 */
final class WeightedRoundRobin implements Balancer {

    private final Map<Upstream, Long> credit = new IdentityHashMap<>();

    @Override
    public synchronized Upstream pick(List<Upstream> candidates, InetAddress client) {
        long total = 0;
        Upstream best = null;
        long bestCredit = Long.MIN_VALUE;
        for (Upstream upstream : candidates) {
            long now = credit.getOrDefault(upstream, 0L) + upstream.weight();
            credit.put(upstream, now);
            total += upstream.weight();
            if (now > bestCredit) {
                best = upstream;
                bestCredit = now;
            }
        }
        credit.put(best, bestCredit - total);
        return best;
    }
}
