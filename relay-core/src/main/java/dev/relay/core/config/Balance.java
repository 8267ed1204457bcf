package dev.relay.core.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

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
        return name().toLowerCase(Locale.ROOT);
    }

    public static Balance parse(String text) {
        for (Balance b : values()) {
            if (b.label().equals(text)) {
                return b;
            }
        }
        throw new ConfigException("unknown balance \"" + text + "\" (expected: "
                + Arrays.stream(values()).map(Balance::label).collect(Collectors.joining(", ")) + ")");
    }
}
