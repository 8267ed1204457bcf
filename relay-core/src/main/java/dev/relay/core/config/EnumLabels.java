package dev.relay.core.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Enum constants as config files spell them: lower case ({@code least_connections}), parsed with one message. */
public final class EnumLabels {

    private EnumLabels() {
    }

    public static String label(Enum<?> constant) {
        return constant.name().toLowerCase(Locale.ROOT);
    }

    /** The constant labelled {@code text}, or a {@link ConfigException} naming {@code what} and the choices. */
    public static <E extends Enum<E>> E parse(Class<E> type, String text, String what) {
        String wanted = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        for (E constant : type.getEnumConstants()) {
            if (label(constant).equals(wanted)) {
                return constant;
            }
        }
        throw new ConfigException("\"" + text + "\" is not " + what + " (expected: "
                + Arrays.stream(type.getEnumConstants()).map(EnumLabels::label).collect(Collectors.joining(", ")) + ")");
    }
}
