package dev.relay.core.upstream;

import dev.relay.core.config.Balance;
import java.net.InetAddress;
import java.util.List;

/** Picks one upstream from the candidates a pool offers (never empty). Called from any event loop. */
interface Balancer {

    Upstream pick(List<Upstream> candidates, InetAddress client);

    static Balancer create(Balance balance, List<Upstream> pool) {
        return switch (balance) {
            case ROUND_ROBIN -> new WeightedRoundRobin();
            case LEAST_CONNECTIONS -> new LeastConnections();
            case RANDOM_TWO_CHOICES -> new RandomTwoChoices();
            case SOURCE_HASH -> new SourceHash(pool);
        };
    }

    /** True when {@code a} carries less load than {@code b} for its weight (open connections / weight). */
    static boolean lighter(Upstream a, Upstream b) {
        return (long) a.activeConnections() * b.weight() < (long) b.activeConnections() * a.weight();
    }
}
