package dev.relay.core.config;

/** How a route spreads new connections over its healthy upstreams. */
public enum Balance {
    /** In turn, in proportion to weight (smooth: a heavy upstream's turns are spread out, not bunched). */
    ROUND_ROBIN,
    /** The upstream with the fewest open connections for its weight. */
    LEAST_CONNECTIONS,
    /** Two upstreams drawn at random by weight; the one with fewer open connections wins. */
    RANDOM_TWO_CHOICES,
    /** Consistent hashing on the client address: a client keeps its upstream while the pool is stable. */
    SOURCE_HASH;

    public String label() {
        return EnumLabels.label(this);
    }

    public static Balance parse(String text) {
        return EnumLabels.parse(Balance.class, text, "a balance");
    }
}
