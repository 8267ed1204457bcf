package dev.relay.core.config;

import java.time.Duration;

/** The checks every config record makes, each failing with a one-line {@link ConfigException}. */
final class Checks {

    private Checks() {
    }

    static void require(boolean ok, String message) {
        if (!ok) {
            throw new ConfigException(message);
        }
    }

    /** A duration that is present and not negative; zero allowed only when {@code zeroAllowed}. */
    static void duration(String name, Duration value, boolean zeroAllowed) {
        boolean ok = value != null && !value.isNegative() && (zeroAllowed || !value.isZero())
                && value.toMillis() <= Integer.MAX_VALUE;
        require(ok, name + ": " + show(value) + (zeroAllowed ? " (expected: >= 0)" : " (expected: > 0)"));
    }

    static void range(String name, int value, int min, int max) {
        require(value >= min && value <= max, name + ": " + value + " (expected: " + min + "-" + max + ")");
    }

    static String show(Duration d) {
        return d == null ? "missing" : d.isNegative() ? "-" + Durations.format(d.negated()) : Durations.format(d);
    }
}
