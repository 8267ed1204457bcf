package dev.relay.core;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * relay-core's packages form no cycle: no package imports one that imports it back, directly or through others.
 * A new cycle fails the build, with its path.
 */
class PackageCyclesTest {

    private static final Path SOURCES = Path.of("src/main/java");
    private static final Pattern PACKAGE = Pattern.compile("(?m)^package ([\\w.]+);");
    private static final Pattern IMPORT = Pattern.compile("(?m)^import (?:static )?(dev\\.relay\\.core[\\w.]*?)\\.[A-Z]");

    @Test
    void noPackageImportsItselfThroughOthers() throws IOException {
        Map<String, Set<String>> imports = new HashMap<>();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(SOURCES)) {
            files = walk.filter(p -> p.toString().endsWith(".java")).toList();
        }
        for (Path file : files) {
            String text = Files.readString(file);
            Matcher pkg = PACKAGE.matcher(text);
            if (!pkg.find()) {
                continue;
            }
            Matcher imported = IMPORT.matcher(text);
            while (imported.find()) {
                if (!imported.group(1).equals(pkg.group(1))) {
                    imports.computeIfAbsent(pkg.group(1), k -> new TreeSet<>()).add(imported.group(1));
                }
            }
        }
        assertTrue(imports.size() > 10, "relay-core's packages are found under " + SOURCES.toAbsolutePath());
        List<String> cycle = new ArrayList<>();
        Set<String> done = new HashSet<>();
        for (String start : new TreeSet<>(imports.keySet())) {
            if (findCycle(start, imports, new ArrayList<>(), done, cycle)) {
                break;
            }
        }
        assertEquals(List.of(), cycle, "a package cycle");
    }

    /** Depth first from {@code at}; on finding a package already on {@code path}, puts the cycle in {@code cycle}. */
    private static boolean findCycle(String at, Map<String, Set<String>> imports, List<String> path, Set<String> done,
                                     List<String> cycle) {
        int onPath = path.indexOf(at);
        if (onPath >= 0) {
            cycle.addAll(path.subList(onPath, path.size()));
            cycle.add(at);
            return true;
        }
        if (done.contains(at)) {
            return false;
        }
        path.add(at);
        for (String next : imports.getOrDefault(at, Set.of())) {
            if (findCycle(next, imports, path, done, cycle)) {
                return true;
            }
        }
        path.remove(path.size() - 1);
        done.add(at);
        return false;
    }
}
