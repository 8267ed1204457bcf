package dev.relay.core.config;

import java.util.Locale;

/** Sizes as operators write them: {@code 512}, {@code 64KiB}, {@code 100MiB}, {@code 1GiB} (or KB, MB, GB, also 1024-based). */
public final class ByteSizes {

    private ByteSizes() {
    }

    public static long parse(String text) {
        String s = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        int unitStart = 0;
        while (unitStart < s.length() && Character.isDigit(s.charAt(unitStart))) {
            unitStart++;
        }
        String digits = s.substring(0, unitStart);
        if (digits.isEmpty() || digits.length() > 12) {
            throw new ConfigException("\"" + text + "\" is not a size (expected: e.g. 512, 64KiB, 100MiB, 1GiB)");
        }
        long shift = switch (s.substring(unitStart).trim()) {
            case "", "b" -> 0;
            case "k", "kb", "kib" -> 10;
            case "m", "mb", "mib" -> 20;
            case "g", "gb", "gib" -> 30;
            default -> throw new ConfigException("\"" + text + "\" has an unknown unit (expected: B, KiB, MiB or GiB)");
        };
        return Long.parseLong(digits) << shift;
    }

    /** The largest exact unit: {@code 100MiB}, {@code 1536KiB}, {@code 7B}. */
    public static String format(long bytes) {
        String[] units = {"GiB", "MiB", "KiB"};
        int[] shifts = {30, 20, 10};
        for (int i = 0; i < units.length; i++) {
            if (bytes != 0 && bytes % (1L << shifts[i]) == 0) {
                return (bytes >> shifts[i]) + units[i];
            }
        }
        return bytes + "B";
    }
}
