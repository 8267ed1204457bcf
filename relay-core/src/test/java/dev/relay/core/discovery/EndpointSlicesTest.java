package dev.relay.core.discovery;

import dev.relay.core.config.Endpoint;
import dev.relay.core.config.UpstreamConfig;
import dev.relay.core.config.UpstreamDiscovery;
import dev.relay.core.upstream.DiscoveredEndpoints;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** How EndpointSlices become a pool: conditions, ports by name or number, address types. No API server. */
class EndpointSlicesTest {

    private static UpstreamDiscovery.Kubernetes port(String port) {
        return new UpstreamDiscovery.Kubernetes("db", "prod", port, null, Duration.ZERO);
    }

    private static EndpointSlice slice(String addressType, Boolean ready, Boolean terminating, String... addresses) {
        return new EndpointSliceBuilder().withNewMetadata().withName("db-x").endMetadata()
                .withAddressType(addressType)
                .addNewPort().withName("postgres").withPort(5432).endPort()
                .addNewPort().withName("metrics").withPort(9187).endPort()
                .addNewEndpoint().withAddresses(addresses)
                .withNewConditions().withReady(ready).withTerminating(terminating).endConditions().endEndpoint()
                .build();
    }

    private static List<String> addresses(List<UpstreamConfig> upstreams) {
        return upstreams.stream().map(u -> u.address().toString()).toList();
    }

    @Test
    void readyServesTerminatingDrainsNotReadyIsLeftOut() {
        DiscoveredEndpoints pool = EndpointSlices.pool(List.of(
                slice("IPv4", true, false, "127.0.0.1"),
                slice("IPv6", false, true, "::1")), port("postgres"));
        assertEquals(List.of("127.0.0.1:5432"), addresses(pool.serving()));
        assertEquals(List.of("[::1]:5432"), addresses(pool.draining()));
        DiscoveredEndpoints unset = EndpointSlices.pool(List.of(
                slice("IPv6", null, null, "::1"),
                slice("IPv4", false, false, "127.0.0.1")), port("postgres"));
        assertEquals(List.of("[::1]:5432"), addresses(unset.serving()), "an unset ready is ready; not ready is out");
        assertEquals(List.of(), unset.draining());
    }

    @Test
    void thePortIsFoundByNameOrNumberOrAsTheOnlyOne() {
        List<EndpointSlice> slices = List.of(slice("IPv4", true, false, "127.0.0.1"));
        assertEquals(List.of("127.0.0.1:9187"), addresses(EndpointSlices.pool(slices, port("metrics")).serving()));
        assertEquals(List.of("127.0.0.1:9187"), addresses(EndpointSlices.pool(slices, port("9187")).serving()));
        assertEquals(List.of(), EndpointSlices.pool(slices, port(null)).serving(), "two ports, none named: none");
        assertEquals(List.of(), EndpointSlices.pool(slices, port("http")).serving());
    }

    @Test
    void fqdnSlicesAreNotAPool() {
        DiscoveredEndpoints pool = EndpointSlices.pool(List.of(slice("FQDN", true, false, "db.example")),
                port("postgres"));
        assertEquals(0, pool.size());
        assertEquals(Endpoint.parse("127.0.0.1:1"), UpstreamConfig.of(Endpoint.parse("127.0.0.1:1")).address());
    }
}
