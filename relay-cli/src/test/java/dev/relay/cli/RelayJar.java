package dev.relay.cli;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;

/** The fat jar as the end-to-end tests run it: its command line, the port a started one logs, free loopback ports. */
final class RelayJar {

    private static final Pattern LISTENING = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)");

    private RelayJar() {
    }

    /** {@code java -jar relay.jar ARGS...}, with the JDK running the tests. */
    static List<String> command(String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", Path.of(System.getProperty("relay.jar", "target/relay.jar")).toAbsolutePath().toString()));
        command.addAll(List.of(args));
        return command;
    }

    /** The port the process logging to {@code log} says it listens on (127.0.0.1), once it says so. */
    static int awaitPort(Path log) {
        int[] port = new int[1];
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            Matcher m = LISTENING.matcher(Files.readString(log));
            if (m.find()) {
                port[0] = Integer.parseInt(m.group(1));
                return true;
            }
            return false;
        });
        return port[0];
    }

    /** A loopback TCP port free a moment ago: bound to learn it, then closed. */
    static int freeTcpPort() throws IOException {
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress("127.0.0.1", 0));
            return probe.getLocalPort();
        }
    }

    /** A loopback port free a moment ago for both UDP and TCP (a DNS server listens on both). */
    static int freeUdpAndTcpPort() throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            int port = freeUdpPort();
            try (ServerSocket probe = new ServerSocket()) {
                probe.bind(new InetSocketAddress("127.0.0.1", port));
                return port;
            } catch (IOException e) {
                // taken on TCP: another
            }
        }
        throw new IOException("no loopback port free for both UDP and TCP in 50 tries");
    }

    /** A loopback UDP port free a moment ago. */
    static int freeUdpPort() throws IOException {
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
