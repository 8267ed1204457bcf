package dev.relay.cli;

import dev.relay.core.testing.Loopback;
import dev.relay.core.testing.PlainServer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The release tarball, unpacked in a temporary folder: its launcher runs relay, its unit passes systemd's check. */
class TarballIT {

    private static final Pattern LISTENING = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)");

    @TempDir
    Path dir;
    private Path home;
    @RegisterExtension
    final StartedProcesses started = new StartedProcesses();

    @BeforeEach
    void unpack() throws Exception {
        Path tarball = Path.of(System.getProperty("relay.tarball", "target/relay.tar.gz"));
        Result untar = exec(List.of("tar", "-xzf", tarball.toString(), "-C", dir.toString()), Map.of());
        assertEquals(0, untar.exit(), untar.output());
        try (var entries = Files.list(dir)) {
            home = entries.filter(p -> p.getFileName().toString().startsWith("relay-")).findFirst().orElseThrow();
        }
    }

    @Test
    void theTarballHoldsTheLauncherTheJarTheConfigAndTheUnit() {
        assertTrue(Files.isExecutable(home.resolve("bin/relay")));
        assertTrue(Files.isRegularFile(home.resolve("lib/relay.jar")));
        assertTrue(Files.isRegularFile(home.resolve("conf/relay.yaml")));
        assertTrue(Files.isRegularFile(home.resolve("systemd/relay.service")));
    }

    @Test
    void theLauncherRunsRelayWithTheJavaOfJavaHome() throws Exception {
        Result version = launcher(Map.of(), "--version");
        assertEquals(0, version.exit(), version.output());
        assertTrue(version.output().startsWith("relay "), version.output());

        Result validate = launcher(Map.of(), "validate", home.resolve("conf/relay.yaml").toString());
        assertEquals(0, validate.exit(), validate.output());
    }

    @Test
    void theLauncherPassesRelayOptsToTheJvm() throws Exception {
        // Netty's switch that refuses native transports shows the flag reached the JVM.
        Result result = launcher(Map.of("RELAY_OPTS", "-Dio.netty.transport.noNative=true"),
                "forward", "--listen", "127.0.0.1:0", "--target", "127.0.0.1:7792", "--transport", "epoll");
        assertEquals(1, result.exit(), result.output());
        assertTrue(result.output().startsWith("relay: transport epoll is not available here"), result.output());
    }

    @Test
    void withoutJavaTheLauncherSaysSo() throws Exception {
        Result result = exec(List.of(home.resolve("bin/relay").toString(), "--version"),
                Map.of("JAVA_HOME", dir.resolve("no-java").toString()));
        assertEquals(1, result.exit());
        assertTrue(result.output().startsWith("relay: no java found"), result.output());
    }

    @Test
    void anUnpackedCopyRelaysTraffic() throws Exception {
        try (PlainServer upstream = Loopback.identityServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 7)) {
            Path config = dir.resolve("relay.yaml");
            Files.writeString(config, "routes:\n  - name: t\n    listen: 127.0.0.1:0\n    upstreams: [127.0.0.1:"
                    + ((InetSocketAddress) upstream.address()).getPort() + "]\n");
            Path log = dir.resolve("relay.log");
            ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/relay").toString(), "run", "--config",
                    config.toString()).redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
            Process relay = builder.start();
            started.add(relay);
            int[] port = new int[1];
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                Matcher m = LISTENING.matcher(Files.readString(log));
                return m.find() && (port[0] = Integer.parseInt(m.group(1))) > 0;
            });
            try (SocketChannel client = Loopback.connect(new InetSocketAddress("127.0.0.1", port[0]))) {
                assertEquals(7, Loopback.greeting(client));
            }
            relay.destroy();
            assertTrue(relay.waitFor(20, TimeUnit.SECONDS));
            assertEquals(0, relay.exitValue(), Files.readString(log));
        }
    }

    @Test
    void aFirstRunLeavesAClassArchiveThatLaterStartsMap() throws Exception {
        Path log = dir.resolve("forward.log");
        ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/relay").toString(), "forward", "--listen",
                "127.0.0.1:0", "--target", "127.0.0.1:7792").redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process relay = builder.start();
        started.add(relay);
        await().atMost(Duration.ofSeconds(20)).until(() -> LISTENING.matcher(Files.readString(log)).find());
        relay.destroy();
        assertTrue(relay.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, relay.exitValue(), Files.readString(log));
        try (var files = Files.list(home.resolve("lib"))) {
            assertEquals(1, files.filter(f -> f.getFileName().toString().endsWith(".jsa")).count(),
                    "the archive, written as the first relay exited");
        }
        assertTrue(!Files.readString(log).contains("cds"), "no class-sharing notes in relay's log: " + Files.readString(log));

        Result mapped = launcher(Map.of("RELAY_OPTS", "-Xlog:class+load=info:stderr"), "--version");
        assertEquals(0, mapped.exit(), mapped.output());
        assertTrue(mapped.output().contains("dev.relay.cli.Main source: shared objects file (top)"),
                "relay's classes come from the archive");

        Result off = launcher(Map.of("RELAY_CDS", "off", "RELAY_OPTS", "-Xlog:class+load=info:stderr"), "--version");
        assertTrue(off.output().contains("dev.relay.cli.Main source: file:"), "RELAY_CDS=off leaves it unused");
    }

    @Test
    void onJdk25TheArchiveIsAnAotCacheWrittenOnStderrOnly() throws Exception {
        Path jdk = newerJdk(25);
        Assumptions.assumeTrue(jdk != null, "no JDK 25 or newer under /usr/lib/jvm");
        Path out = dir.resolve("forward.out");
        Path err = dir.resolve("forward.err");
        ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/relay").toString(), "forward", "--listen",
                "127.0.0.1:0", "--target", "127.0.0.1:7792").redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().put("JAVA_HOME", jdk.toString());
        Process relay = builder.start();
        started.add(relay);
        await().atMost(Duration.ofSeconds(20)).until(() -> LISTENING.matcher(Files.readString(err)).find());
        relay.destroy();
        assertTrue(relay.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, relay.exitValue(), Files.readString(err));
        try (var files = Files.list(home.resolve("lib"))) {
            assertEquals(1, files.filter(f -> f.getFileName().toString().endsWith(".aot")).count(),
                    "the AOT cache, written as the first relay exited: " + Files.readString(err));
        }
        assertEquals("", Files.readString(out), "the cache's notes stay off stdout");

        Result mapped = exec(List.of(home.resolve("bin/relay").toString(), "--version"),
                Map.of("JAVA_HOME", jdk.toString(), "RELAY_OPTS", "-Xlog:class+load=info:stderr"));
        assertEquals(0, mapped.exit(), mapped.output());
        assertTrue(mapped.output().contains("dev.relay.cli.Main source: shared objects file"),
                "relay's classes come from the cache: " + mapped.output());
    }

    /** A JDK of at least {@code major} under /usr/lib/jvm (its release file says), or null. */
    private static Path newerJdk(int major) throws IOException {
        Path jvms = Path.of("/usr/lib/jvm");
        if (!Files.isDirectory(jvms)) {
            return null;
        }
        Pattern version = Pattern.compile("^JAVA_VERSION=\"(\\d+)", Pattern.MULTILINE);
        try (var homes = Files.list(jvms)) {
            for (Path candidate : homes.sorted().toList()) {
                Path release = candidate.resolve("release");
                if (Files.isRegularFile(release) && Files.isExecutable(candidate.resolve("bin/java"))) {
                    Matcher m = version.matcher(Files.readString(release));
                    if (m.find() && Integer.parseInt(m.group(1)) >= major) {
                        return candidate;
                    }
                }
            }
        }
        return null;
    }

    @Test
    void theSystemdUnitPassesSystemdAnalyzeVerify() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/systemd-analyze")), "systemd-analyze not here");
        String unit = Files.readString(home.resolve("systemd/relay.service"), StandardCharsets.UTF_8)
                .replace("/opt/relay", home.toString()); // verify checks that ExecStart exists
        Path copy = dir.resolve("relay.service");
        Files.writeString(copy, unit);
        Result verify = exec(List.of("systemd-analyze", "verify", copy.toString()), Map.of());
        assertEquals(0, verify.exit(), verify.output());
        assertEquals("", verify.output().strip(), "no warnings");
    }

    private Result launcher(Map<String, String> environment, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(home.resolve("bin/relay").toString()));
        command.addAll(List.of(args));
        Map<String, String> env = new java.util.HashMap<>(environment);
        env.put("JAVA_HOME", System.getProperty("java.home"));
        return exec(command, env);
    }

    private Result exec(List<String> command, Map<String, String> environment) throws IOException, InterruptedException {
        Path output = Files.createTempFile(dir, "out", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().putAll(environment);
        Process process = builder.start();
        started.add(process);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), String.join(" ", command) + " did not finish");
        return new Result(process.exitValue(), Files.readString(output));
    }

    private record Result(int exit, String output) {
    }
}
