package dev.relay.core.config.file;

import dev.relay.core.config.AccessLogConfig;
import dev.relay.core.config.Balance;
import dev.relay.core.config.CaptureConfig;
import dev.relay.core.config.SendProxy;
import dev.relay.core.config.Endpoint;
import dev.relay.core.config.RouteConfig;
import dev.relay.core.config.ServerConfig;
import dev.relay.core.config.UnixSocketMode;
import dev.relay.core.config.TransportKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigFileTest {

    private static final String MINIMAL = """
            routes:
              - name: web
                listen: 127.0.0.1:8080
                upstreams: [127.0.0.1:9001]
            """;

    @Test
    void theDocumentedExampleIsValidAndReadsAsWritten() {
        ServerConfig config = ConfigFile.load(Path.of("../docs/relay.example.yaml"));
        assertEquals(List.of("web", "postgres", "orders", "local-socket", "behind-a-balancer", "by-name-api", "by-name-rest", "dns"),
                config.routes().stream().map(RouteConfig::name).toList());
        RouteConfig dns = config.route("dns").orElseThrow();
        assertTrue(dns.isUdp());
        assertEquals(1, dns.udp().responses());
        assertEquals("ping", dns.healthCheck().send());
        RouteConfig balanced = config.route("behind-a-balancer").orElseThrow();
        assertTrue(balanced.proxyProtocol().accept());
        assertEquals(1, balanced.proxyProtocol().trusted().size());
        assertEquals(8, balanced.proxyProtocol().trusted().get(0).prefix());
        assertEquals(SendProxy.V2, balanced.sendProxy());
        RouteConfig web = config.route("web").orElseThrow();
        assertEquals(List.of(Endpoint.parse(":8080"), Endpoint.parse("[::]:8080")), web.listen());
        assertEquals(3, web.upstreams().get(0).weight());
        assertTrue(web.upstreams().get(2).backup());
        assertEquals(Balance.LEAST_CONNECTIONS, web.balance());
        assertEquals(Duration.ofSeconds(2), web.healthCheck().interval());
        assertEquals(3, web.healthCheck().ejectAfter());
        assertEquals(100, web.limits().maxConnectionsPerClient());
        assertEquals(Balance.SOURCE_HASH, config.route("postgres").orElseThrow().balance());
        assertEquals(List.of("api.example.com"), config.route("by-name-api").orElseThrow().serverNames().patterns());
        assertEquals(Duration.ofSeconds(10), web.timeouts().handshake());
        assertEquals(Duration.ofSeconds(5), config.certificateCheckInterval());
        assertTrue(config.splice());
        assertFalse(ConfigFile.parse("t.yaml", "splice: false\n" + MINIMAL).splice());
        assertEquals(UnixSocketMode.parse("660"), config.unixSocketMode());
        assertEquals(UnixSocketMode.FROM_UMASK, ConfigFile.parse("t.yaml", MINIMAL).unixSocketMode());
    }

    @Test
    void routesTakeDefaultsKeyByKeyAndOverrideThem() throws Exception {
        ServerConfig config = ConfigFile.parse("t.yaml", """
                defaults:
                  balance: random_two_choices
                  timeouts: { connect: 2s, idle: 5m }
                  acl: { deny: [127.0.0.2/32] }
                routes:
                  - name: a
                    listen: 8001
                    upstreams: [127.0.0.1:9001]
                    timeouts: { idle: 0 }
                  - name: b
                    listen: 8002
                    upstreams: [127.0.0.1:9002]
                    balance: source_hash
                """);
        RouteConfig a = config.route("a").orElseThrow();
        assertEquals(Balance.RANDOM_TWO_CHOICES, a.balance());
        assertEquals(Duration.ofSeconds(2), a.timeouts().connect(), "from defaults");
        assertEquals(Duration.ZERO, a.timeouts().idle(), "the route's own");
        assertFalse(a.acl().allows(InetAddress.getByName("127.0.0.2")));
        assertEquals(Balance.SOURCE_HASH, config.route("b").orElseThrow().balance());
        assertEquals(Duration.ofMinutes(5), config.route("b").orElseThrow().timeouts().idle());
    }

    @Test
    void adminAccessLogAndCaptureAreRead() {
        ServerConfig config = ConfigFile.parse("t.yaml", """
                admin: { listen: 127.0.0.1:9901 }
                access_log: { format: json, path: /var/log/relay/access.log, max_size: 10MiB, max_files: 3 }
                routes:
                  - name: web
                    listen: 8080
                    upstreams: [127.0.0.1:9001]
                    capture: { pcap: /tmp/web.pcap, max_bytes: 2MiB, enabled: false }
                """);
        assertEquals(Endpoint.parse("127.0.0.1:9901"), config.admin().listen());
        assertEquals(AccessLogConfig.Format.JSON, config.accessLog().format());
        assertEquals(10L << 20, config.accessLog().maxBytes());
        assertEquals(3, config.accessLog().maxFiles());
        CaptureConfig capture = config.routes().get(0).capture();
        assertEquals(Path.of("/tmp/web.pcap"), capture.pcap());
        assertEquals(2L << 20, capture.maxBytes());
        assertFalse(capture.enabled());
        assertFalse(ConfigFile.parse("t.yaml", MINIMAL).accessLog().enabled(), "off unless asked for");
    }

    @Test
    void builtInDefaultsApplyToAMinimalFile() {
        ServerConfig config = ConfigFile.parse("t.yaml", MINIMAL);
        assertEquals(TransportKind.AUTO, config.transport());
        assertTrue(config.splice(), "splicing is on unless switched off (it applies on epoll only)");
        RouteConfig web = config.routes().get(0);
        assertEquals(Balance.ROUND_ROBIN, web.balance());
        assertEquals(RouteConfig.DEFAULT_CONNECT_RETRIES, web.connectRetries());
        assertFalse(web.healthCheck().activeChecks());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            unknown key       | routes: [{name: a, listen: 1, upstreams: [127.0.0.1:2], colour: blue}] | t.yaml:1:57: unknown key "colour" in a route
            unknown top key   | listen: 1                                                             | t.yaml:1:1: unknown key "listen" in the file
            bad address       | routes: [{name: a, listen: 127.0.0.1:70000, upstreams: [127.0.0.1:2]}] | t.yaml:1:28: listen: "127.0.0.1:70000": port 70000 is out of range
            bad upstream      | routes: [{name: a, listen: 1, upstreams: ["[::1:2"]}]                   | t.yaml:1:43: upstreams: "[::1:2" is not an address
            bad duration      | routes: [{name: a, listen: 1, upstreams: [127.0.0.1:2], timeouts: {idle: 5 parsecs}}] | t.yaml:1:74: timeouts.idle: "5 parsecs" has an unknown unit
            bad balance       | routes: [{name: a, listen: 1, upstreams: [127.0.0.1:2], balance: fastest}] | t.yaml:1:66: balance: "fastest" is not a balance
            bad number        | routes: [{name: a, listen: 1, upstreams: [127.0.0.1:2], connect_retries: many}] | t.yaml:1:74: connect_retries: "many" is not a whole number
            bad weight        | routes: [{name: a, listen: 1, upstreams: [{address: 127.0.0.1:2, weight: 0}]}] | t.yaml:1:74: weight: 0 (expected: 1-1000)
            bad cidr          | routes: [{name: a, listen: 1, upstreams: [127.0.0.1:2], acl: {allow: [127.0.0.0/33]}}] | t.yaml:1:71: acl.allow: "127.0.0.0/33": the prefix must be 0-32
            empty upstreams   | routes: [{name: a, listen: 1, upstreams: []}]                        | t.yaml:1:42: route a: upstreams is empty
            only backups      | routes: [{name: a, listen: 1, upstreams: [{address: 127.0.0.1:2, backup: true}]}] | t.yaml:1:10: route a: every upstream is a backup
            no routes         | transport: nio                                                        | t.yaml:1:1: routes: missing
            bad transport     | {transport: pigeon, routes: [{name: a, listen: 1, upstreams: [127.0.0.1:2]}]} | t.yaml:1:13: transport: "pigeon" is not a transport
            bad name          | routes: [{name: "a b", listen: 1, upstreams: [127.0.0.1:2]}]          | t.yaml:1:10: name: "a b" (expected: 1-64 letters
            not a mapping     | routes: [{name: a, listen: 1, upstreams: [127.0.0.1:2], limits: 5}]    | t.yaml:1:65: limits: expected a mapping
            not yaml          | 'routes: ['                                                          | t.yaml:1:10: not valid YAML
            admin off loopback | {admin: {listen: ":9901"}, routes: [{name: a, listen: 1, upstreams: [127.0.0.1:2]}]} | t.yaml:1:9: admin.listen: *:9901 is not a loopback address, so admin.token_file is required
            bad log format    | {access_log: {format: xml}, routes: [{name: a, listen: 1, upstreams: [127.0.0.1:2]}]} | t.yaml:1:23: access_log.format: "xml" is not a format
            bad size          | {access_log: {max_size: lots}, routes: [{name: a, listen: 1, upstreams: [127.0.0.1:2]}]} | t.yaml:1:25: access_log.max_size: "lots" is not a size
            capture no file   | routes: [{name: a, listen: 1, upstreams: [127.0.0.1:2], capture: {max_bytes: 1MiB}}] | t.yaml:1:66: capture: pcap missing
            bad server name   | routes: [{name: a, listen: 1, upstreams: [127.0.0.1:2], server_names: [api.example.com, "a b"]}] | t.yaml:1:89: server_names: "a b" (expected: a DNS name
            repeated name     | routes: [{name: a, listen: 1, upstreams: [127.0.0.1:2], server_names: [x.test, X.test]}] | t.yaml:1:71: server_names: a name is repeated
            name twice        | routes: [{name: a, listen: 1, upstreams: [127.0.0.1:2], server_names: [x.test]}, {name: b, listen: 1, upstreams: [127.0.0.1:3], server_names: ["*.test", x.test]}] | t.yaml:1:100: route b: server name x.test on *:1 is already route a's
            two defaults      | routes: [{name: a, listen: 1, upstreams: [127.0.0.1:2]}, {name: b, listen: 1, upstreams: [127.0.0.1:3]}] | t.yaml:1:76: listen *:1 is already route a's (routes share a listen address by server_names
            proxy differs     | routes: [{name: a, listen: 1, upstreams: [127.0.0.1:2]}, {name: b, listen: 1, upstreams: [127.0.0.1:3], server_names: [b.test], proxy_protocol: {accept: true}}] | t.yaml:1:76: route b: proxy_protocol differs from route a's on *:1
            bad socket mode   | {unix_socket_mode: 0x1, routes: [{name: a, listen: 1, upstreams: [127.0.0.1:2]}]} | t.yaml:1:20: unix_socket_mode: "0x1" is not a mode (expected: octal permission bits
            bad splice        | {splice: sometimes, routes: [{name: a, listen: 1, upstreams: [127.0.0.1:2]}]} | t.yaml:1:10: splice: "sometimes" is not true or false
            bad handshake     | routes: [{name: a, listen: 1, upstreams: [127.0.0.1:2], timeouts: {handshake: 0s}}] | t.yaml:1:67: timeouts.handshake: 0 (expected: > 0)
            """)
    void eachProblemIsReportedWithItsLineAndColumn(String what, String yaml, String expected) {
        ConfigFileException e = assertThrows(ConfigFileException.class, () -> ConfigFile.parse("t.yaml", yaml));
        assertTrue(e.problems().get(0).toString().startsWith(expected), what + ": " + e.problems());
    }

    @Test
    void everyProblemInAFileIsReportedInOnePass() {
        ConfigFileException e = assertThrows(ConfigFileException.class, () -> ConfigFile.parse("t.yaml", """
                routes:
                  - name: a
                    listen: 127.0.0.1:8080
                    upstreams: [127.0.0.1:9001]
                  - name: a
                    listen: 127.0.0.1:8080
                    upstreams: [127.0.0.1:9002]
                    timeouts: { connect: soon }
                """));
        List<String> messages = e.problems().stream().map(ConfigProblem::toString).toList();
        assertEquals(List.of(
                "t.yaml:5:11: duplicate route name \"a\" (first at line 2)",
                "t.yaml:6:13: listen 127.0.0.1:8080 is already route a's (routes share a listen address by server_names;"
                        + " at most one of them goes without, as the default)",
                "t.yaml:8:26: timeouts.connect: \"soon\" is not a duration (expected: e.g. 250ms, 5s, 2m, 1h)"),
                messages);
    }

    @Test
    void aDuplicateKeyIsAProblem() {
        ConfigFileException e = assertThrows(ConfigFileException.class, () -> ConfigFile.parse("t.yaml", """
                routes:
                  - name: a
                    name: b
                    listen: 1
                    upstreams: [127.0.0.1:2]
                """));
        assertTrue(e.getMessage().contains("t.yaml:3:5:"), e.getMessage());
        assertTrue(e.getMessage().toLowerCase().contains("duplicate key"), e.getMessage());
    }

    @Test
    void aMissingFileIsOneProblem() {
        ConfigFileException e = assertThrows(ConfigFileException.class,
                () -> ConfigFile.load(Path.of("target/no-such-relay.yaml")));
        assertEquals("target/no-such-relay.yaml: no such file", e.getMessage());
    }

    @Test
    void aBinaryFileIsOneProblem(@TempDir Path dir) throws Exception {
        Path binary = Files.write(dir.resolve("relay.yaml"), new byte[] {'a', ':', ' ', (byte) 0xC3, (byte) 0x28});
        ConfigFileException e = assertThrows(ConfigFileException.class, () -> ConfigFile.load(binary));
        assertEquals(binary + ": not UTF-8 text", e.getMessage());
    }

    // Hostile files: each is one line, in bounded time and memory, and never an Error on the reading thread.

    @Test
    void aFileNestedThousandsOfLevelsDeepIsOneProblem() {
        for (String deep : new String[] {"[".repeat(5000), "{a: ".repeat(5000), deepBlockMapping(3000)}) {
            ConfigFileException e = assertThrows(ConfigFileException.class, () -> ConfigFile.parse("t.yaml", deep));
            assertTrue(e.getMessage().contains("nested more than 32 levels deep"), e.getMessage());
            assertEquals(1, e.problems().size());
        }
    }

    private static String deepBlockMapping(int levels) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < levels; i++) {
            text.append(" ".repeat(i)).append("k:\n");
        }
        return text.toString();
    }

    @Test
    void aDirectoryIsOneProblem(@TempDir Path dir) {
        ConfigFileException e = assertThrows(ConfigFileException.class, () -> ConfigFile.load(dir));
        assertEquals(dir + ": is a directory, not a file", e.getMessage());
    }

    @Test
    void aDeviceThatNeverEndsIsOneProblem() {
        ConfigFileException e = assertThrows(ConfigFileException.class, () -> ConfigFile.load(Path.of("/dev/zero")));
        assertEquals("/dev/zero: is not a regular file (a device, FIFO or socket)", e.getMessage());
    }

    @Test
    void aFifoIsRefusedWithoutWaitingForAWriter(@TempDir Path dir) throws Exception {
        Path fifo = dir.resolve("relay.yaml");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertEquals(0, mkfifo.waitFor());
        ConfigFileException e = assertTimeoutPreemptively(java.time.Duration.ofSeconds(10),
                () -> assertThrows(ConfigFileException.class, () -> ConfigFile.load(fifo)));
        assertEquals(fifo + ": is not a regular file (a device, FIFO or socket)", e.getMessage());
    }

    @Test
    void aFileOverTheBoundIsNotRead(@TempDir Path dir) throws Exception {
        Path huge = Files.writeString(dir.resolve("relay.yaml"), "a: " + "x".repeat(ConfigFile.MAX_FILE_BYTES));
        ConfigFileException e = assertThrows(ConfigFileException.class, () -> ConfigFile.load(huge));
        assertEquals(huge + ": is larger than 1 MiB", e.getMessage());
    }

    @Test
    void aHugeScalarOrKeyJustUnderTheBoundIsOneProblem(@TempDir Path dir) throws Exception {
        int size = ConfigFile.MAX_FILE_BYTES - 100;
        for (String text : new String[] {"routes: " + "x".repeat(size), "x".repeat(size) + ": 1"}) {
            Path file = Files.writeString(dir.resolve("relay.yaml"), text);
            ConfigFileException e = assertTimeoutPreemptively(java.time.Duration.ofSeconds(20),
                    () -> assertThrows(ConfigFileException.class, () -> ConfigFile.load(file)));
            for (ConfigProblem problem : e.problems()) {
                assertTrue(problem.toString().length() < 300, "a problem quotes a bounded part of the value");
            }
        }
    }
}
