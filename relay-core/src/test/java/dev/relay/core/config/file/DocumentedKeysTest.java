package dev.relay.core.config.file;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The config reference (docs/configuration.md) and the example file (docs/relay.example.yaml, which
 * ConfigFileTest reads with the real reader) name the same keys: a key documented but not in the example, or in
 * the example but not documented, fails here. The reader accepting the example is what ties both to the code.
 */
class DocumentedKeysTest {

    private static final Path REFERENCE = Path.of("../docs/configuration.md");
    private static final Path EXAMPLE = Path.of("../docs/relay.example.yaml");
    /** A table row's key column: {@code | `a.b` |} or {@code | `a` / `b` |}. */
    private static final Pattern ROW_KEYS = Pattern.compile("(?m)^\\| `([^`]+)`(?: / `([^`]+)`)?");
    /** An inline mapping's keys in a row's text: {@code {address, weight (...), backup (...)}}. */
    private static final Pattern INLINE_KEYS = Pattern.compile("\\{([a-z_]+(?:[^}]*?, [a-z_]+)*)[^}]*}");
    /** A key in the example, commented out or not. */
    private static final Pattern EXAMPLE_KEY = Pattern.compile("(?m)^\\s*#?\\s*(?:- )?([a-z_]+):");

    @Test
    void theReferenceAndTheExampleNameTheSameKeys() throws IOException {
        String reference = Files.readString(REFERENCE);
        String table = reference.substring(reference.indexOf("## Reference"));
        Set<String> documented = new TreeSet<>();
        Set<String> leaves = new TreeSet<>();
        Matcher row = ROW_KEYS.matcher(table);
        while (row.find()) {
            for (int group = 1; group <= 2; group++) {
                String key = row.group(group);
                if (key == null) {
                    continue;
                }
                String[] parts = key.split("[.\\[\\]]+");
                for (String part : parts) {
                    if (!part.isEmpty() && !part.equals("*")) {
                        documented.add(part);
                    }
                }
                String leaf = parts[parts.length - 1];
                if (!leaf.equals("*")) {
                    leaves.add(leaf);
                }
            }
        }
        Matcher inline = INLINE_KEYS.matcher(table);
        while (inline.find()) {
            for (String word : inline.group(0).replaceAll("\\([^)]*\\)", "").replaceAll("[{}]", "").split(",\\s*")) {
                documented.add(word.strip());
            }
        }
        Set<String> example = new TreeSet<>();
        Matcher key = EXAMPLE_KEY.matcher(Files.readString(EXAMPLE));
        while (key.find()) {
            example.add(key.group(1));
        }
        assertTrue(leaves.size() > 30, "the reference table is found: " + leaves);
        Set<String> undocumented = new TreeSet<>(example);
        undocumented.removeAll(documented);
        Set<String> notInExample = new TreeSet<>(leaves);
        notInExample.removeAll(example);
        assertEquals(Set.of(), undocumented, "keys in relay.example.yaml that configuration.md does not document");
        assertEquals(Set.of(), notInExample, "keys configuration.md documents that relay.example.yaml lacks");
    }
}
