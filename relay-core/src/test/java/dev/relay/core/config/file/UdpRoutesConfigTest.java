package dev.relay.core.config.file;

import dev.relay.core.config.Balance;
import dev.relay.core.config.Protocol;
import dev.relay.core.config.RouteConfig;
import dev.relay.core.config.SendProxy;
import dev.relay.core.config.ServerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code protocol: udp} routes in a config file: their keys, their defaults, and what they cannot have. */
class UdpRoutesConfigTest {

    @Test
    void aDnsAndASyslogRouteBesideATcpRouteOnTheSamePort() {
        ServerConfig config = ConfigFile.parse("t.yaml", """
                routes:
                  - name: dns
                    protocol: udp
                    listen: 127.0.0.1:5353
                    upstreams: [127.0.0.1:53, 127.0.0.1:5354]
                    balance: source_hash
                    responses: 1
                    limits: {max_sessions: 500, max_sessions_per_client: 10}
                    health_check: {interval: 5s, send: ping}
                    send_proxy: v2
                  - name: dns-tcp
                    listen: 127.0.0.1:5353
                    upstreams: [127.0.0.1:53]
                  - name: syslog
                    protocol: udp
                    listen: 127.0.0.1:5514
                    upstreams: [127.0.0.1:514]
                    max_datagram_size: 8KiB
                    timeouts: {idle: 10s}
                """);
        RouteConfig dns = config.route("dns").orElseThrow();
        assertEquals(Protocol.UDP, dns.protocol());
        assertEquals(1, dns.udp().responses());
        assertEquals(500, dns.limits().maxConnections());
        assertEquals(10, dns.limits().maxConnectionsPerClient());
        assertEquals(Balance.SOURCE_HASH, dns.balance());
        assertEquals("ping", dns.healthCheck().send());
        assertEquals(SendProxy.V2, dns.sendProxy());
        assertEquals(RouteConfig.DEFAULT_UDP_IDLE, dns.timeouts().idle(), "a UDP session's minute by default");
        assertEquals(Protocol.TCP, config.route("dns-tcp").orElseThrow().protocol());
        RouteConfig syslog = config.route("syslog").orElseThrow();
        assertEquals(8192, syslog.udp().maxDatagramSize());
        assertEquals(Duration.ofSeconds(10), syslog.timeouts().idle());
        assertEquals(RouteConfig.DEFAULT_UDP_MAX_SESSIONS, syslog.limits().maxConnections());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "'    tls: {certificates: [{cert: a.pem, key: a.key}]}' | t.yaml:6:5: route u: tls is for TCP routes",
            "'    hexdump: true'                                     | t.yaml:6:5: route u: hexdump is for TCP routes",
            "'    connect_retries: 3'                                | t.yaml:6:5: route u: connect_retries is for TCP routes",
            "'    server_names: [a.example]'                         | t.yaml:6:5: route u: server_names is for TCP routes",
            "'    timeouts: {connect: 1s}'                           | t.yaml:6:16: timeouts.connect is for TCP routes",
            "'    send_proxy: v1'                                    | t.yaml:",
            "'    responses: -1'                                     | t.yaml:",
            "'    max_datagram_size: 70000'                          | t.yaml:",
            "'    listen2: 1'                                        | t.yaml:6:5: unknown key",
    })
    void whatAUdpRouteCannotHaveIsOneLineWithItsPlace(String line, String expected) {
        String yaml = """
                routes:
                  - name: u
                    protocol: udp
                    listen: 127.0.0.1:5353
                    upstreams: [127.0.0.1:53]
                """ + line + "\n";
        ConfigFileException e = assertThrows(ConfigFileException.class, () -> ConfigFile.parse("t.yaml", yaml));
        assertTrue(e.problems().get(0).toString().startsWith(expected), line + ": " + e.problems());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "'    responses: 1'                   | t.yaml:5:5: route t: responses is for UDP routes",
            "'    limits: {max_sessions: 5}'      | t.yaml:5:14: limits.max_sessions is for UDP routes",
            "'    health_check: {send: ping}'     | t.yaml:",
            "'    protocol: sctp'                 | t.yaml:5:15: protocol: \"sctp\" is not a protocol (expected: tcp, udp)",
    })
    void whatOnlyAUdpRouteHasIsAnErrorOnATcpRoute(String line, String expected) {
        String yaml = """
                routes:
                  - name: t
                    listen: 127.0.0.1:5353
                    upstreams: [127.0.0.1:53]
                """ + line + "\n";
        ConfigFileException e = assertThrows(ConfigFileException.class, () -> ConfigFile.parse("t.yaml", yaml));
        assertTrue(e.problems().get(0).toString().startsWith(expected), line + ": " + e.problems());
    }

    @Test
    void twoUdpRoutesCannotShareAListenAddress() {
        ConfigFileException e = assertThrows(ConfigFileException.class, () -> ConfigFile.parse("t.yaml", """
                routes:
                  - {name: a, protocol: udp, listen: 127.0.0.1:5353, upstreams: [127.0.0.1:53]}
                  - {name: b, protocol: udp, listen: 127.0.0.1:5353, upstreams: [127.0.0.1:54]}
                """));
        List<String> problems = e.problems().stream().map(Object::toString).toList();
        assertTrue(problems.get(0).contains("(udp) is already route a's"), problems.toString());
    }
}
