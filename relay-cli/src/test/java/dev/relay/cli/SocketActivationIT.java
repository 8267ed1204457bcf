package dev.relay.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Socket activation, with a stand-in for systemd (a script that holds the sockets, passes them as descriptors 3
 * and 4 with LISTEN_PID, LISTEN_FDS and LISTEN_FDNAMES, and restarts the service on request): relay is restarted
 * three times while a client opens connections without pause, and none is refused or cut.
 */
class SocketActivationIT {


    @RegisterExtension
    final StartedProcesses started = new StartedProcesses();

    @Test
    void restartsUnderLoadRefuseNoConnection() throws Exception {
        Path echoLog = Files.createTempFile("echo", ".log");
        started.add(new ProcessBuilder(RelayJar.command("echo", "--listen", "127.0.0.1:0")).redirectErrorStream(true)
                .redirectOutput(echoLog.toFile()).start());
        Path udpEchoLog = Files.createTempFile("udpecho", ".log");
        started.add(new ProcessBuilder(RelayJar.command("echo", "--udp", "--listen", "127.0.0.1:0")).redirectErrorStream(true)
                .redirectOutput(udpEchoLog.toFile()).start());
        int echo = RelayJar.awaitPort(echoLog);
        int udpEcho = RelayJar.awaitPort(udpEchoLog);

        Path script = Path.of("src/test/resources/fake-socket-activation.py").toAbsolutePath();
        Path logs = Files.createTempDirectory("activation");
        List<String> systemd = new ArrayList<>(List.of("python3", script.toString(), logs.resolve("relay").toString(),
                "--"));
        systemd.addAll(RelayJar.command("run", "--config", logs.resolve("relay.yaml").toString()));
        Process holder = started.add(new ProcessBuilder(systemd).redirectError(ProcessBuilder.Redirect.INHERIT).start());
        BufferedReader said = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
        OutputStream ask = holder.getOutputStream();
        String[] sockets = said.readLine().split(" ");
        int tcpPort = Integer.parseInt(sockets[1]);
        int udpPort = Integer.parseInt(sockets[2]);
        Files.writeString(logs.resolve("relay.yaml"), """
                routes:
                  - {name: web, listen: 127.0.0.1:%d, upstreams: [127.0.0.1:%d]}
                  - {name: dns, protocol: udp, listen: 127.0.0.1:%d, upstreams: [127.0.0.1:%d]}
                """.formatted(tcpPort, echo, udpPort, udpEcho));
        ask.write("start\n".getBytes(StandardCharsets.UTF_8));
        ask.flush();
        assertTrue(said.readLine().startsWith("started "));
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(logs.resolve("relay.1.log"))
                && Files.readString(logs.resolve("relay.1.log")).contains("relay started"));
        String first = Files.readString(logs.resolve("relay.1.log"));
        assertTrue(first.contains("passed to this process"), first);

        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger served = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        List<String> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread load = new Thread(() -> {
            for (int i = 0; i < 100_000 && running.get(); i++) {
                try (Socket client = new Socket()) {
                    client.connect(new InetSocketAddress("127.0.0.1", tcpPort), 10_000);
                    client.setSoTimeout(15_000);
                    client.getOutputStream().write(("hello " + i + "\n").getBytes(StandardCharsets.UTF_8));
                    byte[] back = client.getInputStream().readNBytes(("hello " + i + "\n").length());
                    if (new String(back, StandardCharsets.UTF_8).equals("hello " + i + "\n")) {
                        served.incrementAndGet();
                    } else {
                        failures.add("connection " + i + " got " + new String(back, StandardCharsets.UTF_8));
                    }
                } catch (ConnectException e) {
                    refused.incrementAndGet();
                } catch (Exception e) {
                    failures.add("connection " + i + ": " + e);
                }
            }
        }, "load");
        load.start();
        for (int restart = 2; restart <= 4; restart++) {
            int before = served.get();
            await().atMost(Duration.ofSeconds(20)).until(() -> served.get() >= before + 50);
            ask.write("restart\n".getBytes(StandardCharsets.UTF_8));
            ask.flush();
            assertTrue(said.readLine().startsWith("started "));
            Path next = logs.resolve("relay." + restart + ".log");
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(next)
                    && Files.readString(next).contains("relay started"));
        }
        int before = served.get();
        await().atMost(Duration.ofSeconds(20)).until(() -> served.get() >= before + 50);
        running.set(false);
        load.join(30_000);
        System.out.println("socket activation: " + served.get() + " connections served across 3 restarts, "
                + refused.get() + " refused, " + failures.size() + " failed");
        assertEquals(0, refused.get(), "refused while relay restarted");
        assertEquals(List.of(), failures);

        try (DatagramSocket client = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            client.setSoTimeout(5_000);
            byte[] ping = "ping".getBytes(StandardCharsets.UTF_8);
            client.send(new DatagramPacket(ping, ping.length, new InetSocketAddress("127.0.0.1", udpPort)));
            DatagramPacket reply = new DatagramPacket(new byte[64], 64);
            client.receive(reply);
            assertEquals("ping", new String(reply.getData(), 0, reply.getLength(), StandardCharsets.UTF_8),
                    "the passed UDP socket is served too");
        }
        ask.close();
        assertTrue(holder.waitFor(60, TimeUnit.SECONDS));
    }

}
