package dev.relay.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Toxics from files through the fat jar: `relay toxiproxy --config`, and `relay validate` on a route's toxics. */
class ToxicsFileIT {

    @RegisterExtension
    final StartedProcesses started = new StartedProcesses();

    @Test
    void toxiproxyStartsWithTheProxiesAndToxicsOfItsFileAndABadFileIsOneLine() throws Exception {
        int api = RelayJar.freeTcpPort();
        Path file = Files.createTempFile("toxiproxy", ".json");
        Files.writeString(file, """
                [{"name": "db", "listen": "127.0.0.1:0", "upstream": "127.0.0.1:9",
                  "toxics": [{"type": "latency", "attributes": {"latency": 100}}]}]
                """);
        Path log = Files.createTempFile("toxiproxy", ".log");
        Process toxiproxy = started.add(new ProcessBuilder(RelayJar.command("toxiproxy", "--listen", "127.0.0.1:" + api,
                "--config", file.toString())).redirectErrorStream(true).redirectOutput(log.toFile()).start());
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.readString(log).contains("proxies from"));
        HttpResponse<String> proxies = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + api + "/proxies")).build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(proxies.body().contains("\"latency_downstream\""), proxies.body());
        toxiproxy.destroy();
        assertTrue(toxiproxy.waitFor(20, TimeUnit.SECONDS));

        Files.writeString(file, "[{\"name\": \"db\", \"upstream\": \"127.0.0.1:9\", \"toxics\": [{\"type\": \"lag\"}]}]");
        Process bad = started.add(new ProcessBuilder(RelayJar.command("toxiproxy", "--listen", "127.0.0.1:0", "--config",
                file.toString())).redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
        assertTrue(bad.waitFor(30, TimeUnit.SECONDS));
        String stderr = new String(bad.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(1, bad.exitValue(), stderr);
        // The log's lines aside, one line says what is wrong, and no stack trace.
        assertEquals(List.of("relay: " + file + ": invalid toxic type"),
                stderr.lines().filter(line -> line.startsWith("relay: ")).toList(), stderr);
        assertTrue(!stderr.contains("\tat "), stderr);
    }

    @Test
    void validateNamesABadToxicAtItsLineAndColumn() throws Exception {
        Path config = Files.createTempFile("relay", ".yaml");
        Files.writeString(config, """
                routes:
                  - name: db
                    listen: 127.0.0.1:6432
                    upstreams: [127.0.0.1:5432]
                    toxics:
                      - {type: latency, attributes: {latency: 100}, after: soon}
                """);
        Process validate = started.add(new ProcessBuilder(RelayJar.command("validate", config.toString()))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
        assertTrue(validate.waitFor(30, TimeUnit.SECONDS));
        String stderr = new String(validate.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(1, validate.exitValue(), stderr);
        assertTrue(stderr.startsWith(config + ":6:60: toxics.after: "), stderr);
    }

}
