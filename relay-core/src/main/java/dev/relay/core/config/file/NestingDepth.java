package dev.relay.core.config.file;

import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Parse;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.exceptions.Mark;

import java.util.Optional;

/**
 * How deeply a YAML text nests its collections, found before the text is composed into a tree. The composer
 * recurses once per level, so a file of a few kilobytes nested thousands of levels deep ("[[[[...") would
 * overflow the reading thread's stack; the parser beneath it keeps its own stack, so walking its events is safe
 * at any depth and stops at the first level too many.
 */
final class NestingDepth {

    /** A relay config nests six levels at most (the file, routes, a route, tls, certificates, a certificate). */
    static final int MAX = 32;

    private NestingDepth() {
    }

    /**
     * Where the text first opens a collection deeper than {@code max}, or empty when it never does. Syntax errors
     * are left for the composer to report, with its own words.
     */
    static Optional<Mark> firstBeyond(LoadSettings settings, String text, int max) {
        int depth = 0;
        for (Event event : new Parse(settings).parseString(text)) {
            switch (event.getEventId()) {
                case MappingStart, SequenceStart -> {
                    if (++depth > max) {
                        return event.getStartMark();
                    }
                }
                case MappingEnd, SequenceEnd -> depth--;
                default -> { }
            }
        }
        return Optional.empty();
    }
}
