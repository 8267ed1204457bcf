package dev.relay.cli;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command line's answers to good and bad input, in process: exit codes and the one line a user reads. */
class RelayCliTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return new RelayCli(new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).run(args);
    }

    private String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @ParameterizedTest(name = "relay {0}")
    @CsvSource(delimiter = '|', value = {
            "''                                                        | no command given",
            "forward                                                   | --listen",
            "forward --listen 8928                                     | --target",
            "forward --listen 8928 --target foo                        | --target: \"foo\" has no valid port",
            "forward --listen 8928 --target ::1:80                     | --target: \"::1:80\": write an IPv6 address in brackets",
            "forward --listen 99999 --target 127.0.0.1:80              | --listen: \"99999\": port 99999 is out of range",
            "forward --listen 8928 --target 127.0.0.1:80 --idle-timeout 5x | --idle-timeout: \"5x\" has an unknown unit",
            "forward --listen 8928 --target 127.0.0.1:80 --connect-timeout 0 | connectTimeout: 0 (expected: > 0)",
            "forward --listen 8928 --target 127.0.0.1:80 --transport epol | --transport: \"epol\" is not a transport",
            "forward --listen 8928 --target 127.0.0.1:80 --backlog abc | --backlog",
            "forward --listen unix:/run/r.sock --target 127.0.0.1:80 --unix-socket-mode 999 | --unix-socket-mode: \"999\" is not a mode",
            "forward --listen 8928 --target 127.0.0.1:80 --unix-socket-mode 0660 | --unix-socket-mode: --listen *:8928 is not a Unix socket",
            "forward --listen 8928 --target 127.0.0.1:80 --bogus       | unknown flag --bogus",
            "forward --listen 8928 --target 127.0.0.1:80 --admin :9901 | --admin: admin.listen: *:9901 is not a loopback address",
            "fly                                                       | fly",
            "send --target 127.0.0.1:80 one two                        | one MESSAGE",
    })
    void badUsageExitsTwoWithOneLine(String args, String expected) {
        String[] argv = args.isBlank() ? new String[0] : args.trim().split("\\s+");
        assertEquals(ExitCodes.USAGE, run(argv), stderr());
        String firstLine = stderr().lines().findFirst().orElse("");
        assertTrue(firstLine.startsWith("relay: "), firstLine);
        assertTrue(firstLine.contains(expected), firstLine + " should mention " + expected);
        assertFalse(stderr().contains("Exception"), "no stack trace: " + stderr());
        assertEquals(2, stderr().lines().count(), "the error and a pointer to --help: " + stderr());
    }

    @Test
    void validateSaysOkForAGoodFileAndListsEveryProblemOfABadOne(@TempDir Path dir) throws Exception {
        Path good = dir.resolve("good.yaml");
        Files.writeString(good, "routes: [{name: a, listen: 8080, upstreams: [127.0.0.1:9000]}]\n");
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "routes:\n  - name: a\n    listen: 8080\n    upstreams: [127.0.0.1:9000]\n    colour: red\n"
                + "  - name: a\n    listen: 8081\n    upstreams: []\n");
        assertEquals(ExitCodes.OK, run("validate", good.toString()), stderr());
        assertEquals(good + ": ok (1 route)", out.toString(StandardCharsets.UTF_8).strip());

        assertEquals(ExitCodes.FAILURE, run("validate", bad.toString()));
        List<String> lines = stderr().lines().toList();
        assertEquals(3, lines.size(), stderr());
        assertTrue(lines.get(0).startsWith(bad + ":5:5: unknown key \"colour\""), lines.get(0));
        assertTrue(lines.get(1).startsWith(bad + ":6:11: duplicate route name \"a\""), lines.get(1));
        assertTrue(lines.get(2).startsWith(bad + ":8:16: route a: upstreams is empty"), lines.get(2));
    }

    @Test
    void validateWithoutAFileIsUsage() {
        assertEquals(ExitCodes.USAGE, run("validate"));
        assertTrue(stderr().startsWith("relay: no file given"), stderr());
    }

    @Test
    void runWithAMissingFileSaysSoInOneLine(@TempDir Path dir) {
        Path missing = dir.resolve("missing.yaml");
        assertEquals(ExitCodes.FAILURE, run("run", "--config", missing.toString()));
        assertEquals("relay: " + missing + ": no such file", stderr().strip());
    }

    @Test
    void versionAndHelpExitZero() {
        assertEquals(ExitCodes.OK, run("--version"));
        assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("relay "));
        assertEquals(ExitCodes.OK, run("--help"));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("forward"));
        for (String command : new String[] {"forward", "echo", "send"}) {
            out.reset();
            assertEquals(ExitCodes.OK, run(command, "--help"));
            assertTrue(out.toString(StandardCharsets.UTF_8).contains("Examples:"), command);
        }
    }

    @Test
    void unreachableTargetForSendExitsOne() {
        assertEquals(ExitCodes.FAILURE, run("send", "--target", "127.0.0.1:1", "hello"));
        assertTrue(stderr().startsWith("relay: cannot talk to 127.0.0.1:1: "), stderr());
        assertEquals(1, stderr().lines().count(), stderr());
    }
}
