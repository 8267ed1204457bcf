package dev.relay.core.config;

import java.time.Duration;
import java.util.Locale;

/** Durations as operators write them: {@code 250ms}, {@code 5s}, {@code 2m}, {@code 1h}, {@code 1d}, {@code 0}. */
public final class Durations {

    private Durations() {
    }

    public static Duration parse(String text) {
        if (text == null || text.isBlank()) {
            throw new ConfigException("a duration is empty (expected: e.g. 250ms, 5s, 2m, 1h)");
        }
        String s = text.trim().toLowerCase(Locale.ROOT);
        int unitStart = 0;
        while (unitStart < s.length() && Character.isDigit(s.charAt(unitStart))) {
            unitStart++;
        }
        String digits = s.substring(0, unitStart);
        String unit = s.substring(unitStart);
        if (digits.isEmpty() || digits.length() > 12) {
            throw new ConfigException("\"" + text + "\" is not a duration (expected: e.g. 250ms, 5s, 2m, 1h)");
        }
        long amount = Long.parseLong(digits);
        return switch (unit) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            case "d" -> Duration.ofDays(amount);
            case "" -> {
                if (amount != 0) {
                    throw new ConfigException("\"" + text + "\" has no unit (expected: ms, s, m, h or d)");
                }
                yield Duration.ZERO;
            }
            default -> throw new ConfigException("\"" + text + "\" has an unknown unit (expected: ms, s, m, h or d)");
        };
    }

    /** The shortest exact form, so a value prints the way an operator would have written it. */
    public static String format(Duration duration) {
        long ms = duration.toMillis();
        if (ms == 0) {
            return "0";
        }
        long[] sizes = {86_400_000L, 3_600_000L, 60_000L, 1_000L};
        String[] units = {"d", "h", "m", "s"};
        for (int i = 0; i < sizes.length; i++) {
            if (ms % sizes[i] == 0) {
                return ms / sizes[i] + units[i];
            }
        }
        return ms + "ms";
    }
}
