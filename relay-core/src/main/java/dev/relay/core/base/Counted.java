package dev.relay.core.base;

/** A number with its noun, in the right number: "1 route", "2 routes". For log lines and messages. */
public final class Counted {

    private Counted() {
    }

    /** {@code count} and {@code noun}, with an "s" unless the count is one (every noun relay counts takes one). */
    public static String of(long count, String noun) {
        return count + " " + (count == 1 ? noun : noun + "s");
    }
}
