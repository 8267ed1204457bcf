package dev.relay.core.config.file;

import dev.relay.core.config.RouteConfig;
import dev.relay.core.config.UpstreamDiscovery;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code upstreams} as a discovery source: DNS SRV or Kubernetes, and every mistake at its place. */
class DiscoveryConfigTest {

    @Test
    void upstreamsFromDnsSrv() {
        RouteConfig route = ConfigFile.parse("d.yaml", """
                routes:
                  - name: db
                    listen: 127.0.0.1:6432
                    upstreams: {dns_srv: _postgres._tcp.db.service.consul, close_removed_after: 30s}
                """).route("db").orElseThrow();
        assertEquals(new UpstreamDiscovery.DnsSrv("_postgres._tcp.db.service.consul", Duration.ofSeconds(30)),
                route.discovery());
        assertTrue(route.upstreams().isEmpty());
    }

    @Test
    void upstreamsFromKubernetes() {
        RouteConfig route = ConfigFile.parse("d.yaml", """
                routes:
                  - name: db
                    listen: 127.0.0.1:6432
                    upstreams:
                      kubernetes: {service: db, namespace: prod, port: postgres, kubeconfig: /etc/relay/kubeconfig}
                """).route("db").orElseThrow();
        assertEquals(new UpstreamDiscovery.Kubernetes("db", "prod", "postgres", Path.of("/etc/relay/kubeconfig"),
                Duration.ZERO), route.discovery());
        assertEquals("kubernetes prod/db:postgres", route.upstreamsText());
    }

    @Test
    void theNamespaceAndPortMayBeLeftOut() {
        RouteConfig route = ConfigFile.parse("d.yaml", """
                routes:
                  - name: db
                    listen: 127.0.0.1:6432
                    upstreams: {kubernetes: {service: db}}
                """).route("db").orElseThrow();
        assertEquals(new UpstreamDiscovery.Kubernetes("db", null, null, null, Duration.ZERO), route.discovery());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "'    upstreams: {dns_srv: \"bad name!\"}'                          | d.yaml:4:26: upstreams.dns_srv: \"bad name!\"",
            "'    upstreams: {dns_srv: _a._tcp.example, kubernetes: {service: a}}' | d.yaml:4:16: route t: upstreams: expected a list of addresses, or one of dns_srv and kubernetes",
            "'    upstreams: {}'                                                | d.yaml:4:16: route t: upstreams: expected a list",
            "'    upstreams: {consul: db}'                                      | d.yaml:4:17: unknown key \"consul\" in upstreams",
            "'    upstreams: {kubernetes: {namespace: prod}}'                   | d.yaml:4:29: upstreams.kubernetes: service missing",
            "'    upstreams: {kubernetes: {service: Db_1}}'                     | d.yaml:4:29: upstreams.kubernetes.service: \"Db_1\"",
            "'    upstreams: {kubernetes: {service: db, port: 70000}}'          | d.yaml:4:29: upstreams.kubernetes.port: \"70000\"",
            "'    upstreams: {kubernetes: {service: db, sevice: db}}'           | d.yaml:4:43: unknown key \"sevice\" in upstreams.kubernetes",
            "'    upstreams: {dns_srv: _a._tcp.example, close_removed_after: soon}' | d.yaml:4:64: upstreams.close_removed_after:",
    })
    void aBadSourceIsOneLineAtItsPlace(String line, String expected) {
        String yaml = """
                routes:
                  - name: t
                    listen: 127.0.0.1:5353
                """ + line + "\n";
        ConfigFileException e = assertThrows(ConfigFileException.class, () -> ConfigFile.parse("d.yaml", yaml));
        assertTrue(e.problems().get(0).toString().startsWith(expected), line + ": " + e.problems());
    }
}
