package dev.relay.core.config.file;

import dev.relay.core.base.Direction;
import dev.relay.core.config.ConfigException;

import java.util.Locale;

/** A toxic's scalar fields as a config file spells them, each parsed with a one-line reason when it is wrong. */
final class ToxicFields {

    private ToxicFields() {
    }

    /** {@code upstream} (client to upstream) or {@code downstream}, as Toxiproxy names the streams. */
    static Direction stream(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "upstream" -> Direction.UPSTREAM;
            case "downstream" -> Direction.DOWNSTREAM;
            default -> throw new ConfigException("\"" + text + "\" is not a stream (expected: upstream, downstream)");
        };
    }

    /** The chance a connection (a datagram, on a UDP route) is affected: 0 to 1. */
    static double toxicity(String text) {
        try {
            double value = Double.parseDouble(text.trim());
            if (value >= 0 && value <= 1) {
                return value;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new ConfigException("\"" + text + "\" is not a toxicity (expected: a number from 0 to 1)");
    }

    static long attribute(String text) {
        try {
            long value = Long.parseLong(text.trim());
            if (value >= 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new ConfigException("\"" + text + "\" is not a whole number of 0 or more");
    }
}
