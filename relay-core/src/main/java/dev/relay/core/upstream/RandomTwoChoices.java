package dev.relay.core.upstream;

import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Power of two choices: draw two upstreams at random in proportion to weight, keep the one with fewer open
 * connections for its weight. Nearly as even as least-connections, with no shared state to contend on.
 */
final class RandomTwoChoices implements Balancer {

    @Override
    public Upstream pick(List<Upstream> candidates, InetAddress client) {
        if (candidates.size() == 1) {
            return candidates.get(0);
        }
        Upstream first = draw(candidates, null);
        Upstream second = draw(candidates, first);
        return Balancer.lighter(second, first) ? second : first;
    }

    /** A weighted random draw, skipping {@code except}. */
    private static Upstream draw(List<Upstream> candidates, Upstream except) {
        long total = 0;
        for (Upstream u : candidates) {
            total += u == except ? 0 : u.weight();
        }
        long ticket = ThreadLocalRandom.current().nextLong(total);
        for (Upstream u : candidates) {
            if (u == except) {
                continue;
            }
            ticket -= u.weight();
            if (ticket < 0) {
                return u;
            }
        }
        throw new IllegalStateException("weights changed during a draw");
    }
}
