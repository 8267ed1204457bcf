package dev.relay.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fat jar as a user runs it: echo, forward and send end to end, a busy port, a clean stop on SIGTERM. */
class RelayJarIT {

    @RegisterExtension
    final StartedProcesses started = new StartedProcesses();

    @Test
    void echoForwardSendEndToEnd() throws Exception {
        Path echoLog = Files.createTempFile("echo", ".log");
        Path relayLog = Files.createTempFile("relay", ".log");
        Process echo = start(echoLog, "echo", "--listen", "127.0.0.1:0");
        int echoPort = RelayJar.awaitPort(echoLog);
        Process relay = start(relayLog, "forward", "--listen", "127.0.0.1:0", "--target", "127.0.0.1:" + echoPort);
        int relayPort = RelayJar.awaitPort(relayLog);

        Result hello = runToEnd(null, "send", "--target", "127.0.0.1:" + relayPort, "Hello!");
        assertEquals(0, hello.exit(), hello.stderr());
        assertEquals("Hello!", new String(hello.stdout(), StandardCharsets.UTF_8));

        byte[] blob = new byte[3 * 1024 * 1024];
        new Random(5).nextBytes(blob);
        Path input = Files.createTempFile("blob", ".bin");
        Files.write(input, blob);
        Result bulk = runToEnd(input, "send", "--target", "127.0.0.1:" + relayPort);
        assertEquals(0, bulk.exit(), bulk.stderr());
        assertArrayEquals(blob, bulk.stdout());

        await().atMost(Duration.ofSeconds(10)).until(() -> Files.readString(relayLog).contains("conn=2 closed reason=client_closed"));
        assertTrue(Files.readString(echoLog).contains("received 6 bytes: \"Hello!\""), Files.readString(echoLog));

        relay.destroy(); // SIGTERM: drain, then exit 0
        assertTrue(relay.waitFor(20, TimeUnit.SECONDS));
        assertEquals(0, relay.exitValue(), Files.readString(relayLog));
        assertTrue(Files.readString(relayLog).contains("relay stopped"));
        echo.destroy();
        assertTrue(echo.waitFor(20, TimeUnit.SECONDS));
        assertEquals(0, echo.exitValue());
    }

    @Test
    void udpEchoForwardSendEndToEnd() throws Exception {
        Path echoLog = Files.createTempFile("echo", ".log");
        Path relayLog = Files.createTempFile("relay", ".log");
        Process echo = start(echoLog, "echo", "--udp", "--listen", "127.0.0.1:0");
        int echoPort = RelayJar.awaitPort(echoLog);
        Process relay = start(relayLog, "forward", "--udp", "--listen", "127.0.0.1:0", "--target",
                "127.0.0.1:" + echoPort, "--responses", "2");
        int relayPort = RelayJar.awaitPort(relayLog);

        Result hello = runToEnd(null, "send", "--udp", "--quiet", "2s", "--target", "127.0.0.1:" + relayPort, "Hello!");
        assertEquals(0, hello.exit(), hello.stderr());
        assertEquals("Hello!\n", new String(hello.stdout(), StandardCharsets.UTF_8));

        Path lines = Files.createTempFile("lines", ".txt");
        Files.writeString(lines, "one\ntwo\n");
        Result two = runToEnd(lines, "send", "--udp", "--quiet", "2s", "--target", "127.0.0.1:" + relayPort);
        assertEquals(0, two.exit(), two.stderr());
        assertEquals("one\ntwo\n", new String(two.stdout(), StandardCharsets.UTF_8), "a datagram per line, each answered");
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.readString(relayLog).contains("reason=responses"));

        Result unreachable = runToEnd(null, "send", "--udp", "--target", "127.0.0.1:" + RelayJar.freeUdpPort(), "anyone?");
        assertEquals(1, unreachable.exit());
        assertTrue(unreachable.stderr().strip().lines().count() == 1 && unreachable.stderr().contains("nothing listens"),
                unreachable.stderr());

        Result tcpOnly = runToEnd(null, "forward", "--udp", "--listen", "127.0.0.1:0", "--target", "127.0.0.1:9",
                "--hexdump");
        assertEquals(2, tcpOnly.exit(), "a TCP-only flag with --udp is bad usage: " + tcpOnly.stderr());
        Result v1 = runToEnd(null, "forward", "--udp", "--listen", "127.0.0.1:0", "--target", "127.0.0.1:9",
                "--send-proxy", "v1");
        assertEquals(2, v1.exit(), "datagrams carry the binary header only: " + v1.stderr());
        Result udpOnly = runToEnd(null, "forward", "--listen", "127.0.0.1:0", "--target", "127.0.0.1:9",
                "--accept-proxy");
        assertEquals(2, udpOnly.exit(), "--accept-proxy without --udp is bad usage: " + udpOnly.stderr());

        relay.destroy();
        assertTrue(relay.waitFor(20, TimeUnit.SECONDS));
        assertEquals(0, relay.exitValue(), Files.readString(relayLog));
        echo.destroy();
        assertTrue(echo.waitFor(20, TimeUnit.SECONDS));
    }

    @Test
    void aSecondStopSignalClosesOpenConnectionsInsteadOfWaitingForTheDrain() throws Exception {
        Path echoLog = Files.createTempFile("echo", ".log");
        Path relayLog = Files.createTempFile("relay", ".log");
        start(echoLog, "echo", "--listen", "127.0.0.1:0");
        int echoPort = RelayJar.awaitPort(echoLog);
        Process relay = start(relayLog, "forward", "--listen", "127.0.0.1:0", "--target", "127.0.0.1:" + echoPort,
                "--drain-timeout", "10m");
        int relayPort = RelayJar.awaitPort(relayLog);

        try (SocketChannel idle = SocketChannel.open(new InetSocketAddress("127.0.0.1", relayPort))) {
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.readString(echoLog).contains("echo conn=1 from"));
            terminate(relay);
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.readString(relayLog).contains("draining"));
            terminate(relay);

            assertTrue(relay.waitFor(20, TimeUnit.SECONDS), "stopped without waiting the 10 minutes");
            assertEquals(0, relay.exitValue(), Files.readString(relayLog));
            assertTrue(Files.readString(relayLog).contains("conn=1 closed reason=shutdown"), Files.readString(relayLog));
        }
    }

    /**
     * A logback file given with -Dlogback.configurationFile keeps its levels: relay's INFO lines (the start line,
     * each connection's close line) are neither written nor built when the file turns them off. The same file at
     * INFO shows them, so the quiet run is not quiet for another reason.
     */
    @ParameterizedTest
    @ValueSource(strings = {"WARN", "INFO"})
    void aLogbackFileKeepsItsOwnLevels(String level) throws Exception {
        Path config = Files.createTempFile("logback", ".xml");
        Files.writeString(config, "<configuration><appender name=\"out\" class=\"ch.qos.logback.core.ConsoleAppender\">"
                + "<encoder><pattern>%level %logger{0} - %msg%n</pattern></encoder></appender>"
                + "<logger name=\"dev.relay\" level=\"" + level + "\"/><root level=\"INFO\"><appender-ref ref=\"out\"/></root>"
                + "</configuration>");
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        Path log = Files.createTempFile("relay", ".log");
        List<String> command = RelayJar.command("echo", "--listen", "127.0.0.1:" + port);
        command.add(1, "-Dlogback.configurationFile=" + config);
        Process echo = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        started.add(echo);
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> {
            try (SocketChannel client = SocketChannel.open(new InetSocketAddress("127.0.0.1", port))) {
                return true;
            }
        });
        terminate(echo);
        assertTrue(echo.waitFor(20, TimeUnit.SECONDS));
        String written = Files.readString(log);
        if (level.equals("WARN")) {
            assertFalse(written.contains("INFO "), written);
        } else {
            assertTrue(written.contains("INFO echo - echo server listening on"), written);
        }
    }

    @Test
    void theJarDeclaresItsNativeAccessSoNewerJavasDoNotWarnAtEveryStart() throws Exception {
        try (JarFile jar = new JarFile(System.getProperty("relay.jar", "target/relay.jar"))) {
            assertEquals("ALL-UNNAMED", jar.getManifest().getMainAttributes().getValue("Enable-Native-Access"));
        }
    }

    @Test
    void portInUseIsOneLineAndExitOne() throws Exception {
        try (ServerSocket busy = new ServerSocket()) {
            busy.bind(new InetSocketAddress("127.0.0.1", 0));
            Result result = runToEnd(null, "forward", "--listen", "127.0.0.1:" + busy.getLocalPort(),
                    "--target", "127.0.0.1:7792");
            assertEquals(1, result.exit());
            assertEquals("relay: cannot listen on 127.0.0.1:" + busy.getLocalPort() + ": address already in use",
                    result.stderr().strip());
        }
    }

    @Test
    void badFlagIsOneLineAndExitTwo() throws Exception {
        Result result = runToEnd(null, "forward", "--listen", "8928", "--target", "nowhere");
        assertEquals(2, result.exit());
        assertTrue(result.stderr().startsWith("relay: --target: "), result.stderr());
        assertFalse(result.stderr().contains("Exception"), result.stderr());
    }

    @Test
    void aTransportAskedForByNameThatCannotLoadSaysWhy() throws Exception {
        // Netty's switch that refuses every native transport stands in for a host without epoll.
        Result result = runToEnd(null, List.of("-Dio.netty.transport.noNative=true"),
                "forward", "--listen", "127.0.0.1:0", "--target", "127.0.0.1:7792", "--transport", "epoll");
        assertEquals(1, result.exit(), result.stderr());
        assertTrue(result.stderr().startsWith("relay: transport epoll is not available here: "), result.stderr());
        assertEquals(1, result.stderr().strip().lines().count(), result.stderr());
    }

    @Test
    void runReloadsOnHangupAndKeepsServingWhenTheNewFileIsBroken() throws Exception {
        Path echoLog = Files.createTempFile("echo", ".log");
        start(echoLog, "echo", "--listen", "127.0.0.1:0");
        int echoPort = RelayJar.awaitPort(echoLog);
        Path dir = Files.createTempDirectory("relay-run");
        Path config = dir.resolve("relay.yaml");
        // TCP listeners, so the test holds on every transport (on io_uring and NIO a Unix socket ends at its FIN).
        int first = RelayJar.freeTcpPort();
        int second = RelayJar.freeTcpPort();
        Files.writeString(config, route("first", first, echoPort));
        Path relayLog = dir.resolve("relay.log");

        try (FakeSystemd systemd = new FakeSystemd(dir.resolve("notify.sock"))) {
            Process relay = start(relayLog, Map.of("NOTIFY_SOCKET", systemd.notifySocket()),
                    "run", "--config", config.toString());
            assertTrue(systemd.next(Duration.ofSeconds(20)).startsWith("READY=1"), "READY once listening");
            assertEquals("Hello!", sendText("127.0.0.1:" + first, "Hello!"));

            Files.writeString(config, route("first", first, echoPort)
                    + route("second", second, echoPort).replace("routes:\n", ""));
            hangUp(relay);
            assertTrue(systemd.next(Duration.ofSeconds(10)).startsWith("RELOADING=1"));
            assertTrue(nextState(systemd).startsWith("READY=1"), "READY again after the reload");
            assertEquals("Hi!", sendText("127.0.0.1:" + second, "Hi!"), "the added route serves");

            Files.writeString(config, "routes: [ {name: broken");
            hangUp(relay);
            assertTrue(systemd.next(Duration.ofSeconds(10)).startsWith("RELOADING=1"));
            assertTrue(nextState(systemd).startsWith("READY=1"));
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.readString(relayLog)
                    .contains("reload failed, still running the previous config: " + config + ":1:"));
            assertEquals("Still?", sendText("127.0.0.1:" + first, "Still?"), "the old config serves");
            assertEquals("Yes.", sendText("127.0.0.1:" + second, "Yes."));

            relay.destroy();
            assertTrue(nextState(systemd).startsWith("STOPPING=1"));
            assertTrue(relay.waitFor(20, TimeUnit.SECONDS));
            assertEquals(0, relay.exitValue(), Files.readString(relayLog));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"text", "json"})
    void theAccessLogHasALinePerConnectionAndRotates(String format) throws Exception {
        Path echoLog = Files.createTempFile("echo", ".log");
        start(echoLog, "echo", "--listen", "127.0.0.1:0");
        int echoPort = RelayJar.awaitPort(echoLog);
        Path dir = Files.createTempDirectory("relay-access");
        Path access = dir.resolve("access.log");
        Path config = dir.resolve("relay.yaml");
        Files.writeString(config, "access_log: { format: " + format + ", path: " + access
                + ", max_size: 1KiB, max_files: 2 }\n" + "routes:\n  - name: web\n    listen: 127.0.0.1:0\n"
                + "    upstreams: [127.0.0.1:" + echoPort + "]\n");
        Path relayLog = dir.resolve("relay.log");
        Process relay = start(relayLog, "run", "--config", config.toString());
        int port = RelayJar.awaitPort(relayLog);
        int connections = 12;
        for (int i = 0; i < connections; i++) {
            try (java.nio.channels.SocketChannel client = java.nio.channels.SocketChannel.open(
                    new InetSocketAddress("127.0.0.1", port))) {
                client.write(java.nio.ByteBuffer.wrap("hi".getBytes(StandardCharsets.US_ASCII)));
                client.shutdownOutput();
                while (client.read(java.nio.ByteBuffer.allocate(16)) >= 0) {
                    // read the echo to its end
                }
            }
        }
        relay.destroy(); // drains, then the log is flushed as the JVM exits
        assertTrue(relay.waitFor(20, TimeUnit.SECONDS));

        assertTrue(Files.exists(dir.resolve("access.log.1")), "rotated at 1 KiB");
        List<String> lines = new ArrayList<>();
        for (Path file : List.of(dir.resolve("access.log.2"), dir.resolve("access.log.1"), access)) {
            if (Files.exists(file)) {
                lines.addAll(Files.readAllLines(file));
            }
        }
        assertTrue(lines.size() >= connections - 4 && lines.size() <= connections, "a line per connection, the "
                + "oldest rotated away only past two files: " + lines.size());
        String last = lines.get(lines.size() - 1);
        if (format.equals("json")) {
            com.fasterxml.jackson.databind.JsonNode line = new com.fasterxml.jackson.databind.ObjectMapper().readTree(last);
            assertEquals(connections, line.get("conn").asInt());
            assertEquals("web", line.get("route").asText());
            assertEquals("127.0.0.1:" + echoPort, line.get("upstream").asText());
            assertEquals(2, line.get("bytes_up").asInt());
            assertEquals(2, line.get("bytes_down").asInt());
            assertEquals("client_closed", line.get("reason").asText());
            assertTrue(line.get("connect_us").asLong() >= 0 && line.get("duration_ms").asLong() >= 0, last);
            assertTrue(line.get("client").asText().startsWith("127.0.0.1:"), last);
        } else {
            assertTrue(last.matches("\\S+ conn=" + connections + " route=web client=127\\.0\\.0\\.1:\\d+ upstream=127\\.0\\.0\\.1:"
                    + echoPort + " up=2B down=2B connect=\\d+us duration=\\d+ms reason=client_closed"), last);
        }
        String mainLog = Files.readString(relayLog);
        assertFalse(mainLog.contains("\"conn\":") || mainLog.contains("us duration="), "access lines stay out of the main log");
    }

    @Test
    void toxiproxyServesItsApiAndStopsCleanly() throws Exception {
        Path log = Files.createTempFile("toxiproxy", ".log");
        Process toxiproxy = start(log, "toxiproxy", "--listen", "127.0.0.1:0");
        Pattern listening = Pattern.compile("toxiproxy API listening on 127\\.0\\.0\\.1:(\\d+)");
        int[] port = new int[1];
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            Matcher m = listening.matcher(Files.readString(log));
            return m.find() && (port[0] = Integer.parseInt(m.group(1))) > 0;
        });
        java.net.http.HttpResponse<String> version = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port[0] + "/version")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, version.statusCode());
        assertFalse(version.body().isBlank());
        toxiproxy.destroy();
        assertTrue(toxiproxy.waitFor(20, TimeUnit.SECONDS));
        assertEquals(0, toxiproxy.exitValue(), Files.readString(log));
    }

    @Test
    void validateReportsEveryProblemWithItsPlace() throws Exception {
        Path config = Files.createTempFile("bad", ".yaml");
        Files.writeString(config, "routes:\n  - name: a\n    listen: 99999\n    upstreams: [nowhere]\n");
        Result result = runToEnd(null, "validate", config.toString());
        assertEquals(1, result.exit());
        assertEquals(List.of(config + ":3:13: listen: \"99999\": port 99999 is out of range (expected: 0-65535)",
                        config + ":4:17: upstreams: \"nowhere\" has no valid port (expected: HOST:PORT, [IPv6]:PORT, "
                                + "PORT or unix:/path)"),
                result.stderr().lines().toList());
    }

    /** The next state change, skipping STATUS-only messages. */
    private static String nextState(FakeSystemd systemd) throws InterruptedException {
        for (int i = 0; i < 10; i++) {
            String message = systemd.next(Duration.ofSeconds(10));
            if (message == null || !message.startsWith("STATUS=")) {
                return String.valueOf(message);
            }
        }
        return "no state change";
    }

    private static String route(String name, int port, int echoPort) {
        return "routes:\n  - name: " + name + "\n    listen: 127.0.0.1:" + port
                + "\n    upstreams: [127.0.0.1:" + echoPort + "]\n";
    }
    private static void terminate(Process process) throws Exception {
        Process kill = new ProcessBuilder("kill", "-TERM", Long.toString(process.pid())).start();
        assertTrue(kill.waitFor(10, TimeUnit.SECONDS));
    }

    private static void hangUp(Process process) throws Exception {
        Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(process.pid())).start();
        assertTrue(kill.waitFor(10, TimeUnit.SECONDS));
    }

    private String sendText(String target, String text) throws Exception {
        Result result = runToEnd(null, "send", "--target", target, text);
        assertEquals(0, result.exit(), result.stderr());
        return new String(result.stdout(), StandardCharsets.UTF_8);
    }

    private Process start(Path log, String... args) throws IOException {
        return start(log, Map.of(), args);
    }

    private Process start(Path log, Map<String, String> environment, String... args) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(RelayJar.command(args)).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        Process process = builder.start();
        started.add(process);
        return process;
    }

    private Result runToEnd(Path stdin, String... args) throws Exception {
        return runToEnd(stdin, List.of(), args);
    }

    private Result runToEnd(Path stdin, List<String> jvmFlags, String... args) throws Exception {
        Path out = Files.createTempFile("out", ".bin");
        Path err = Files.createTempFile("err", ".txt");
        List<String> command = RelayJar.command(args);
        command.addAll(1, jvmFlags);
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.redirectInput(stdin == null ? ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))
                : ProcessBuilder.Redirect.from(stdin.toFile()));
        Process process = builder.start();
        started.add(process);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "relay " + String.join(" ", args) + " did not finish");
        return new Result(process.exitValue(), Files.readAllBytes(out), Files.readString(err));
    }

    private record Result(int exit, byte[] stdout, String stderr) {
    }
}
