package dev.relay.cli;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * UDP routes from a config file, used by clients written elsewhere: dig asking dnsmasq through relay, and logger
 * sending syslog through it; the metrics and the access log say what went by.
 */
class UdpClientsIT {

    @RegisterExtension
    final StartedProcesses started = new StartedProcesses();

    @Test
    void digThroughRelayToDnsmasqAndLoggerThroughRelayToASyslogReceiver() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/dig")) && Files.isExecutable(Path.of("/usr/sbin/dnsmasq"))
                && Files.isExecutable(Path.of("/usr/bin/logger")), "dig, dnsmasq and logger are installed by .ci/run");
        int dnsPort = RelayJar.freeUdpAndTcpPort();
        Path dnsLog = Files.createTempFile("dnsmasq", ".log");
        started.add(new ProcessBuilder("/usr/sbin/dnsmasq", "--no-daemon", "--conf-file=/dev/null", "--no-resolv",
                "--no-hosts", "--bind-interfaces", "--listen-address=127.0.0.1", "--port=" + dnsPort,
                "--pid-file=", "--user=" + System.getProperty("user.name"), "--address=/relay.test/127.0.0.1")
                .redirectErrorStream(true).redirectOutput(dnsLog.toFile()).start());

        try (DatagramSocket syslog = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            syslog.setSoTimeout(10_000);
            int relayDns = RelayJar.freeUdpPort();
            int relaySyslog = RelayJar.freeUdpPort();
            int admin = RelayJar.freeTcpPort();
            Path config = Files.createTempFile("relay", ".yaml");
            Files.writeString(config, """
                    admin: {listen: 127.0.0.1:%d}
                    access_log: {format: text}
                    routes:
                      - name: dns
                        protocol: udp
                        listen: 127.0.0.1:%d
                        upstreams: [127.0.0.1:%d]
                        responses: 1
                      - name: syslog
                        protocol: udp
                        listen: 127.0.0.1:%d
                        upstreams: [127.0.0.1:%d]
                    """.formatted(admin, relayDns, dnsPort, relaySyslog, syslog.getLocalPort()));
            Path relayLog = Files.createTempFile("relay", ".log");
            Process relay = started.add(new ProcessBuilder(RelayJar.command("run", "--config", config.toString()))
                    .redirectErrorStream(true).redirectOutput(relayLog.toFile()).start());
            await().atMost(Duration.ofSeconds(20)).until(() -> Files.readString(relayLog).contains("udp route syslog listening"));

            // dig retries on its own; a first query can meet dnsmasq not listening yet.
            await().atMost(Duration.ofSeconds(20)).until(() -> dig(relayDns).equals("127.0.0.1"));
            assertEquals("127.0.0.1", dig(relayDns));

            Process logger = new ProcessBuilder("/usr/bin/logger", "--udp", "--server", "127.0.0.1", "--port",
                    Integer.toString(relaySyslog), "--tag", "relay-test", "a line through relay").start();
            assertTrue(logger.waitFor(10, TimeUnit.SECONDS));
            assertEquals(0, logger.exitValue());
            byte[] buffer = new byte[4096];
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            syslog.receive(packet);
            String line = new String(buffer, 0, packet.getLength(), StandardCharsets.UTF_8);
            assertTrue(line.contains("relay-test") && line.endsWith("a line through relay"), line);

            String metrics = get(admin, "/metrics");
            assertTrue(metrics.contains("relay_udp_datagrams_total{direction=\"upstream\",route=\"syslog\"} 1.0"), metrics);
            assertTrue(metrics.matches("(?s).*relay_udp_datagrams_total\\{direction=\"downstream\",route=\"dns\"} [1-9].*"),
                    metrics);
            String routes = get(admin, "/api/routes");
            assertTrue(routes.contains("\"name\":\"syslog\",\"protocol\":\"udp\""), routes);
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.readString(relayLog)
                    .matches("(?s).*udp session=\\d+ route=dns client=127\\.0\\.0\\.1:\\d+ upstream=127\\.0\\.0\\.1:"
                            + dnsPort + " datagrams up=1 down=1 .*reason=responses.*"));

            relay.destroy();
            assertTrue(relay.waitFor(20, TimeUnit.SECONDS));
            assertEquals(0, relay.exitValue(), Files.readString(relayLog));
        }
    }

    private static String dig(int port) throws Exception {
        Process dig = new ProcessBuilder("/usr/bin/dig", "@127.0.0.1", "-p", Integer.toString(port), "+short",
                "+time=1", "+tries=1", "relay.test", "A").redirectErrorStream(true).start();
        assertTrue(dig.waitFor(10, TimeUnit.SECONDS));
        return new String(dig.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    }

    private static String get(int port, String path) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + path)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return response.body();
    }

}
