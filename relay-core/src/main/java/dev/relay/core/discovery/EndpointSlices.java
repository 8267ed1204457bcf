package dev.relay.core.discovery;

import dev.relay.core.config.Endpoint;
import dev.relay.core.config.UpstreamConfig;
import dev.relay.core.config.UpstreamDiscovery;
import dev.relay.core.upstream.DiscoveredEndpoints;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditions;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * A service's EndpointSlices read as a pool: each address of an endpoint that is ready serves, each of one that is
 * terminating drains (no new connections, open ones go on), the others (not ready, not terminating) are left out.
 * The port is the slice's port named as the route's {@code port} says (a name, or the endpoint port's number), or
 * the slice's only port when the route names none. A ready condition that is not set counts as ready, as the API
 * says it should.
 */
final class EndpointSlices {

    private EndpointSlices() {
    }

    static DiscoveredEndpoints pool(Collection<EndpointSlice> slices, UpstreamDiscovery.Kubernetes source) {
        List<UpstreamConfig> serving = new ArrayList<>();
        List<UpstreamConfig> draining = new ArrayList<>();
        for (EndpointSlice slice : slices) {
            if ("FQDN".equals(slice.getAddressType())) {
                continue; // a name, not an address a pod serves on: not what a service's pool is made of
            }
            Integer port = port(slice.getPorts(), source.port());
            if (port == null || slice.getEndpoints() == null) {
                continue;
            }
            for (var endpoint : slice.getEndpoints()) {
                EndpointConditions c = endpoint.getConditions();
                boolean terminating = c != null && Boolean.TRUE.equals(c.getTerminating());
                boolean ready = !terminating && (c == null || c.getReady() == null || c.getReady());
                if (!ready && !terminating || endpoint.getAddresses() == null) {
                    continue;
                }
                for (String address : endpoint.getAddresses()) {
                    UpstreamConfig upstream = UpstreamConfig.of(new Endpoint.Inet(address, port));
                    (ready ? serving : draining).add(upstream);
                }
            }
        }
        return new DiscoveredEndpoints(serving, draining);
    }

    private static Integer port(List<EndpointPort> ports, String wanted) {
        if (ports == null || ports.isEmpty()) {
            return null;
        }
        if (wanted == null) {
            return ports.size() == 1 ? ports.get(0).getPort() : null;
        }
        boolean number = wanted.chars().allMatch(Character::isDigit);
        for (EndpointPort p : ports) {
            if (p.getPort() != null && (number ? p.getPort() == Integer.parseInt(wanted) : wanted.equals(p.getName()))) {
                return p.getPort();
            }
        }
        return null;
    }
}
