package dev.relay.cli;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fat jar under the conditions that once left it alive and useless, or dead: a direct-memory budget far
 * below what its streams ask for, on every transport; hang-ups while it starts; its watched config file deleted.
 */
class RelayRobustnessIT {

    private static final Pattern LISTENING = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)");
    private static final Duration WAIT = Duration.ofSeconds(20);

    @RegisterExtension
    final StartedProcesses started = new StartedProcesses();

    /**
     * Eight bulk uploads through a relay with 4 MiB of direct memory: reads fail to get buffers, and each such
     * failure may cost its connection (reset, logged in one line), never a loop. Afterwards the relay still
     * relays a new connection, and nothing it logged was a stack trace.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"nio", "epoll", "io_uring"})
    void aTinyDirectMemoryBudgetCostsConnectionsNeverTheProcess(String transport) throws Exception {
        try (ServerSocketChannel upstream = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            ExecutorService threads = daemonThreads();
            try {
                threads.execute(() -> echoEachConnection(upstream, threads));
                Path log = Files.createTempFile("relay", ".log");
                int port = forwardOn(transport, log, List.of(), List.of("-XX:MaxDirectMemorySize=4m"), upstream,
                        "--no-splice");

                List<Future<?>> uploads = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    uploads.add(threads.submit(() -> upload(port, 64L << 20, Duration.ofSeconds(5))));
                }
                for (Future<?> upload : uploads) {
                    upload.get(30, TimeUnit.SECONDS);
                }
                assertEquals("still serving", roundTrip(port, "still serving"));
                String text = Files.readString(log);
                assertFalse(text.lines().anyMatch(line -> line.startsWith("\tat ")), "no stack trace: " + text);
                assertFalse(text.contains("Unexpected exception from an event executor"), text);
            } finally {
                threads.shutdownNow();
            }
        }
    }

    /**
     * Out of descriptors, clients wait, as README says, on every transport: in the kernel's accept queue (the
     * listener pauses after a failed accept), or, when accepted but without a descriptor for the upstream socket,
     * in relay until one frees or the connect timeout runs out. None is closed meanwhile (100 of 150 were on
     * io_uring before, up to 52 on NIO).
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"nio", "epoll", "io_uring"})
    void outOfDescriptorsClientsWaitInTheAcceptQueue(String transport) throws Exception {
        try (ServerSocketChannel upstream = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            ExecutorService threads = daemonThreads();
            List<SocketChannel> clients = new ArrayList<>();
            try {
                threads.execute(() -> echoEachConnection(upstream, threads));
                Path log = Files.createTempFile("relay", ".log");
                int port = forwardOn(transport, log, List.of("bash", "-c", "ulimit -n 128 && exec \"$@\"", "relay"),
                        List.of(), upstream);
                for (int i = 0; i < 150; i++) {
                    clients.add(SocketChannel.open(new InetSocketAddress("127.0.0.1", port)));
                }
                await().atMost(WAIT).until(() -> Files.readString(log).contains("cannot accept a connection"));
                // Two pauses' time: what is accepted and closed meanwhile shows, and the rest must be waiting.
                await().pollDelay(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(5)).until(() -> true);
                int ended = 0;
                for (SocketChannel client : clients) {
                    client.configureBlocking(false);
                    try {
                        if (client.read(ByteBuffer.allocate(1)) < 0) {
                            ended++;
                        }
                    } catch (IOException reset) {
                        ended++;
                    }
                }
                assertTrue(ended <= 5, ended + " of 150 clients were accepted and closed instead of waiting: "
                        + Files.readString(log));
                assertTrue(started.allAlive());
            } finally {
                for (SocketChannel client : clients) {
                    client.close();
                }
                threads.shutdownNow();
            }
        }
    }

    /** A SIGHUP from the first line of main on is a reload to come, never the JVM's default exit (129). */
    @Test
    void hangUpsWhileStartingAreReloadsNotAnExit() throws Exception {
        Path dir = Files.createTempDirectory("relay-hup");
        Path config = Files.writeString(dir.resolve("relay.yaml"),
                "routes:\n  - name: a\n    listen: 127.0.0.1:0\n    upstreams: [127.0.0.1:9]\n");
        Path log = dir.resolve("relay.log");
        // The class-loading log shows when main has begun: RelayCli loads right after the handler is in.
        Process relay = start(log, List.of("-Xlog:class+load=info"), "run", "--config", config.toString());
        await().atMost(WAIT).until(() -> Files.readString(log).contains(" dev.relay.cli.RelayCli "));
        for (int i = 0; i < 5; i++) {
            Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(relay.pid())).start();
            assertTrue(kill.waitFor(10, TimeUnit.SECONDS));
        }
        awaitPort(log);
        await().atMost(WAIT).until(() -> Files.readString(log).contains("reload: no route changed"));
        assertTrue(relay.isAlive(), Files.readString(log).lines().filter(l -> !l.contains("[class,load]")).toList()
                .toString());
    }

    /** A watched file that disappears is said once, and the running config goes on until it is back. */
    @Test
    void aDeletedWatchedConfigIsReportedOnceAndTheRelayGoesOn() throws Exception {
        Path dir = Files.createTempDirectory("relay-watch");
        Path config = dir.resolve("relay.yaml");
        int first = freePort();
        int second = freePort();
        String routeA = "routes:\n  - name: a\n    listen: 127.0.0.1:" + first + "\n    upstreams: [127.0.0.1:9]\n";
        Files.writeString(config, routeA);
        Path log = dir.resolve("relay.log");
        Process relay = start(log, List.of(), "run", "--config", config.toString(), "--watch");
        await().atMost(WAIT).until(() -> Files.readString(log).contains("relay started"));

        Files.delete(config);
        await().atMost(WAIT).until(() -> Files.readString(log)
                .contains("watched config " + config + ": no such file; still running the previous config"));
        Files.writeString(config, routeA + "  - name: b\n    listen: 127.0.0.1:" + second
                + "\n    upstreams: [127.0.0.1:9]\n");
        await().atMost(WAIT).until(() -> Files.readString(log).contains("reload: added [b]"));
        String text = Files.readString(log);
        assertEquals(1, text.split("no such file", -1).length - 1, "said once: " + text);
        assertTrue(relay.isAlive());
    }

    private static void echoEachConnection(ServerSocketChannel server, ExecutorService threads) {
        while (server.isOpen()) {
            try {
                SocketChannel channel = server.accept();
                threads.execute(() -> {
                    try (channel) {
                        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
                        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                        while (System.nanoTime() < deadline && channel.read(buffer.clear()) >= 0) {
                            if (buffer.position() < 64) { // a short message is echoed; bulk is taken and dropped
                                channel.write(buffer.flip());
                            }
                        }
                    } catch (IOException e) {
                        // the relay reset it: the point of the test
                    }
                });
            } catch (IOException e) {
                return;
            }
        }
    }

    /** Writes up to {@code bytes} for at most {@code within}; a reset ends it early, which is allowed here. */
    private static void upload(int port, long bytes, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        try (SocketChannel channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", port))) {
            ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
            for (long sent = 0; sent < bytes && System.nanoTime() < deadline; ) {
                sent += channel.write(chunk.clear());
            }
        } catch (IOException e) {
            // reset by the relay when a read buffer could not be had
        }
    }

    private static String roundTrip(int port, String text) throws IOException {
        try (SocketChannel channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", port))) {
            channel.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII)));
            ByteBuffer answer = ByteBuffer.allocate(text.length());
            channel.socket().setSoTimeout(10_000);
            while (answer.hasRemaining() && channel.read(answer) >= 0) {
                // read the whole echo
            }
            return new String(answer.array(), 0, answer.position(), StandardCharsets.US_ASCII);
        }
    }

    private static ExecutorService daemonThreads() {
        return Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "robustness-it");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Starts {@code relay forward} on {@code transport} to {@code upstream} (run through {@code launcher} when it
     * is not empty), and returns its port; the test is skipped where the transport does not load.
     */
    private int forwardOn(String transport, Path log, List<String> launcher, List<String> jvmFlags,
                          ServerSocketChannel upstream, String... more) throws IOException {
        List<String> args = new ArrayList<>(List.of("forward", "--listen", "127.0.0.1:0", "--target",
                "127.0.0.1:" + ((InetSocketAddress) upstream.getLocalAddress()).getPort(), "--transport", transport));
        args.addAll(List.of(more));
        List<String> command = new ArrayList<>(launcher);
        command.addAll(javaCommand(jvmFlags, args.toArray(String[]::new)));
        Process relay = started.add(new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start());
        await().atMost(WAIT).until(() -> !relay.isAlive() || LISTENING.matcher(Files.readString(log)).find());
        Assumptions.assumeFalse(Files.readString(log).contains("is not available here"),
                transport + " does not load on this host");
        return awaitPort(log);
    }

    private static List<String> javaCommand(List<String> jvmFlags, String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvmFlags);
        command.addAll(List.of("-jar", System.getProperty("relay.jar", "target/relay.jar")));
        command.addAll(List.of(args));
        return command;
    }

    private Process start(Path log, List<String> jvmFlags, String... args) throws IOException {
        return started.add(new ProcessBuilder(javaCommand(jvmFlags, args)).redirectErrorStream(true).redirectOutput(log.toFile()).start());
    }

    private static int awaitPort(Path log) {
        int[] port = new int[1];
        await().atMost(WAIT).until(() -> {
            Matcher m = LISTENING.matcher(Files.readString(log));
            return m.find() && (port[0] = Integer.parseInt(m.group(1))) > 0;
        });
        return port[0];
    }

    private static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress("127.0.0.1", 0));
            return probe.getLocalPort();
        }
    }
}
