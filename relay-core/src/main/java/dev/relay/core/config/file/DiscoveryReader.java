package dev.relay.core.config.file;

import dev.relay.core.config.UpstreamDiscovery;
import org.snakeyaml.engine.v2.nodes.Node;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Reads {@code upstreams} given as a mapping: a discovery source ({@code dns_srv: NAME} or
 * {@code kubernetes: {service, namespace, port, kubeconfig}}) instead of a list of addresses. Problems are noted
 * at their line, not thrown.
 */
final class DiscoveryReader {

    private final Problems problems;
    private final Records records;

    DiscoveryReader(Problems problems) {
        this.problems = problems;
        this.records = new Records(problems);
    }

    /** The source {@code upstreams} names, or null when it names none or names it wrongly (a problem is noted). */
    UpstreamDiscovery read(Node upstreams, String route) {
        int problemsBefore = problems.count();
        Section s = Section.of(upstreams, "upstreams", "upstreams.", null, problems)
                .allowOnly("upstreams", "dns_srv", "kubernetes", "close_removed_after");
        boolean unknownKey = problems.count() > problemsBefore;
        Duration closeAfter = s.duration("close_removed_after", Duration.ZERO);
        boolean srv = s.value("dns_srv") != null;
        boolean kubernetes = s.value("kubernetes") != null;
        if (srv == kubernetes) {
            if (unknownKey && !srv) {
                return null; // the unknown key's line says it
            }
            problems.at(upstreams, "route " + route + ": upstreams: expected a list of addresses, or one of dns_srv "
                    + "and kubernetes");
            return null;
        }
        if (srv) {
            String name = s.string("dns_srv", null);
            return name == null ? null
                    : records.build(s.value("dns_srv"), () -> new UpstreamDiscovery.DnsSrv(name, closeAfter));
        }
        Section k = s.section("kubernetes").allowOnly("upstreams.kubernetes", "service", "namespace", "port",
                "kubeconfig");
        String service = k.string("service", null);
        if (service == null) {
            problems.at(s.value("kubernetes"), "upstreams.kubernetes: service missing (expected: the service's name)");
            return null;
        }
        String namespace = k.string("namespace", null);
        String port = k.string("port", null);
        Path kubeconfig = k.scalar("kubeconfig", null, Path::of);
        return records.build(s.value("kubernetes"),
                () -> new UpstreamDiscovery.Kubernetes(service, namespace, port, kubeconfig, closeAfter));
    }
}
