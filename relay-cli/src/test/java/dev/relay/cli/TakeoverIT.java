package dev.relay.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hand-over between relay processes: ten takeovers in a row while a client opens new connections without pause
 * and long-lived streams check every echoed byte; then a new process with a broken config, and two at once.
 */
class TakeoverIT {

    private static final int STREAMS = 20;

    @RegisterExtension
    final StartedProcesses started = new StartedProcesses();

    @Test
    void tenTakeoversUnderLoadRefuseAndResetNoNewConnection() throws Exception {
        Path echoLog = Files.createTempFile("echo", ".log");
        started.add(new ProcessBuilder(RelayJar.command("echo", "--listen", "127.0.0.1:0")).redirectErrorStream(true)
                .redirectOutput(echoLog.toFile()).start());
        int echo = RelayJar.awaitPort(echoLog);
        int port = RelayJar.freeTcpPort();
        Path dir = Files.createTempDirectory("takeover");
        Path socket = dir.resolve("handover.sock");
        Path config = dir.resolve("relay.yaml");
        Path unixSocket = dir.resolve("web.sock");
        Files.writeString(config, """
                drain_timeout: 2s
                routes:
                  - {name: web, listen: 127.0.0.1:%d, upstreams: [127.0.0.1:%d]}
                  - {name: local, listen: "unix:%s", upstreams: [127.0.0.1:%d]}
                """.formatted(port, echo, unixSocket, echo));
        Process first = start(dir.resolve("relay.0.log"), "run", "--config", config.toString(), "--handover-socket",
                socket.toString());
        awaitLog(dir.resolve("relay.0.log"), "hand-overs served at");

        Load load = new Load(port);
        load.start();
        List<Process> generations = new ArrayList<>(List.of(first));
        for (int i = 1; i <= 10; i++) {
            int before = load.served.get();
            await().atMost(Duration.ofSeconds(20)).until(() -> load.served.get() >= before + 30);
            Path log = dir.resolve("relay." + i + ".log");
            generations.add(start(log, "run", "--config", config.toString(), "--takeover", socket.toString()));
            awaitLog(log, "hand-overs served at");
            Process previous = generations.get(i - 1);
            assertTrue(previous.waitFor(30, TimeUnit.SECONDS), "the old relay exits once drained");
            assertEquals(0, previous.exitValue());
        }

        // A new process that cannot start (a broken config) changes nothing: the running one serves on.
        Path broken = dir.resolve("broken.yaml");
        Files.writeString(broken, "routes: [{name: web, listen: 127.0.0.1:99999}]\n");
        Process bad = start(dir.resolve("bad.log"), "run", "--config", broken.toString(), "--takeover", socket.toString());
        assertTrue(bad.waitFor(30, TimeUnit.SECONDS));
        assertEquals(1, bad.exitValue());
        // Two at once: one takes over, the other is told another hand-over is under way.
        Path a = dir.resolve("a.log");
        Path b = dir.resolve("b.log");
        Process racerA = start(a, "run", "--config", config.toString(), "--takeover", socket.toString());
        Process racerB = start(b, "run", "--config", config.toString(), "--takeover", socket.toString());
        await().atMost(Duration.ofSeconds(30)).until(() -> !racerA.isAlive() || !racerB.isAlive());
        Process loser = racerA.isAlive() ? racerB : racerA;
        assertEquals(1, loser.waitFor(30, TimeUnit.SECONDS) ? loser.exitValue() : -1);
        String loserLog = Files.readString(loser == racerA ? a : b);
        assertTrue(loserLog.contains("another hand-over is under way") || loserLog.contains("cannot take over"),
                loserLog);
        Process winner = loser == racerA ? racerB : racerA;
        assertTrue(winner.isAlive(), "the other one serves");
        assertTrue(generations.get(10).waitFor(30, TimeUnit.SECONDS), "the relay it took over from exits");

        int before = load.served.get();
        await().atMost(Duration.ofSeconds(20)).until(() -> load.served.get() >= before + 30);
        load.stop();
        System.out.println("takeover: " + load.served.get() + " new connections served across 11 hand-overs, "
                + load.refused.get() + " refused, " + load.failures.size() + " failed; streams: "
                + load.chunks.get() + " chunks echoed intact, " + load.cut.get() + " cut by a drain deadline");
        try (java.nio.channels.SocketChannel local = java.nio.channels.SocketChannel.open(
                java.net.UnixDomainSocketAddress.of(unixSocket))) {
            local.write(java.nio.ByteBuffer.wrap("unix\n".getBytes(StandardCharsets.UTF_8)));
            java.nio.ByteBuffer back = java.nio.ByteBuffer.allocate(5);
            while (back.hasRemaining() && local.read(back) >= 0) {
                // reads until the echo is whole
            }
            assertEquals("unix\n", new String(back.array(), StandardCharsets.UTF_8),
                    "the Unix socket listener was handed over eleven times, its file kept");
        }
        assertEquals(0, load.refused.get(), "refused during the hand-overs");
        assertEquals(List.of(), load.failures, "new connections reset or answered wrong");
        assertEquals(List.of(), load.corrupt, "stream bytes wrong");
    }

    /** New connections without pause, and long-lived streams checking every byte echoed. */
    private static final class Load {
        final int port;
        final AtomicBoolean running = new AtomicBoolean(true);
        final AtomicInteger served = new AtomicInteger();
        final AtomicInteger refused = new AtomicInteger();
        final AtomicInteger chunks = new AtomicInteger();
        final AtomicInteger cut = new AtomicInteger();
        final List<String> failures = new CopyOnWriteArrayList<>();
        final List<String> corrupt = new CopyOnWriteArrayList<>();
        final List<Thread> threads = new ArrayList<>();

        Load(int port) {
            this.port = port;
        }

        void start() {
            threads.add(new Thread(this::newConnections, "new-connections"));
            for (int s = 0; s < STREAMS; s++) {
                int seed = s;
                threads.add(new Thread(() -> stream(seed), "stream-" + s));
            }
            threads.forEach(Thread::start);
        }

        void stop() throws InterruptedException {
            running.set(false);
            for (Thread thread : threads) {
                thread.join(30_000);
            }
        }

        private void newConnections() {
            for (int i = 0; i < 1_000_000 && running.get(); i++) {
                String text = "hello " + i + "\n";
                try (Socket client = new Socket()) {
                    client.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
                    client.setSoTimeout(15_000);
                    client.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
                    byte[] back = client.getInputStream().readNBytes(text.length());
                    if (new String(back, StandardCharsets.UTF_8).equals(text)) {
                        served.incrementAndGet();
                    } else {
                        failures.add("connection " + i + " got " + back.length + " bytes back");
                    }
                } catch (ConnectException e) {
                    refused.incrementAndGet();
                } catch (IOException e) {
                    failures.add("connection " + i + ": " + e);
                }
            }
        }

        /** One long-lived stream after another: each chunk echoed whole, or the stream cut (then a new one). */
        private void stream(int seed) {
            Random random = new Random(seed);
            for (int connection = 0; connection < 10_000 && running.get(); connection++) {
                try (Socket client = new Socket()) {
                    client.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
                    client.setSoTimeout(15_000);
                    OutputStream out = client.getOutputStream();
                    InputStream in = client.getInputStream();
                    while (running.get()) {
                        byte[] chunk = new byte[1 + random.nextInt(4096)];
                        random.nextBytes(chunk);
                        out.write(chunk);
                        byte[] back = in.readNBytes(chunk.length);
                        if (back.length < chunk.length) {
                            cut.incrementAndGet(); // the old relay's drain deadline closed it
                            break;
                        }
                        if (!Arrays.equals(chunk, back)) {
                            corrupt.add("stream " + seed + ": a chunk of " + chunk.length + " came back different");
                            return;
                        }
                        chunks.incrementAndGet();
                    }
                } catch (IOException e) {
                    cut.incrementAndGet();
                }
            }
        }
    }

    private Process start(Path log, String... args) throws IOException {
        return started.add(new ProcessBuilder(RelayJar.command(args)).redirectErrorStream(true).redirectOutput(log.toFile())
                .start());
    }

    private static void awaitLog(Path log, String text) {
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(log) && Files.readString(log).contains(text));
    }

}
