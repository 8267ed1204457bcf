package dev.relay.core.config;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The TLS server names (SNI) a route answers on a listen address it shares with other routes: exact names, and
 * {@code *.example.com} for every name below {@code example.com} (at any depth, as nginx's {@code server_name}
 * reads it). Names are compared without case. Empty means the route takes whatever no other route on the
 * address claims: it is that address's default route.
 *
 * @param patterns lower-case names and wildcards, each at most once
 */
public record ServerNames(List<String> patterns) {

    public static final ServerNames ANY = new ServerNames(List.of());

    private static final Pattern NAME =
            Pattern.compile("(\\*\\.)?[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");

    public ServerNames {
        Checks.require(patterns != null, "server_names: missing");
        patterns = patterns.stream().map(ServerNames::checked).toList();
        Checks.require(patterns.stream().distinct().count() == patterns.size(), "server_names: a name is repeated");
    }

    /** {@code text} as a pattern (lower case), or a {@link ConfigException} saying what a pattern looks like. */
    public static String pattern(String text) {
        String pattern = text == null ? "" : text.toLowerCase(Locale.ROOT);
        Checks.require(pattern.length() <= 253 && NAME.matcher(pattern).matches(), "\"" + text
                + "\" (expected: a DNS name such as api.example.com, or *.example.com)");
        return pattern;
    }

    private static String checked(String text) {
        try {
            return pattern(text);
        } catch (ConfigException e) {
            throw new ConfigException("server_names: " + e.getMessage());
        }
    }

    public static ServerNames of(String... patterns) {
        return new ServerNames(List.of(patterns));
    }

    /** True when the route routes by name; false for a default route. */
    public boolean any() {
        return !patterns.isEmpty();
    }

    /** True when {@code pattern} is a wildcard ({@code *.example.com}). */
    public static boolean isWildcard(String pattern) {
        return pattern.startsWith("*.");
    }
}
