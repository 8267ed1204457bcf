package dev.relay.core.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * Where a route's upstreams come from when the config does not list them: DNS SRV records, or a Kubernetes
 * service's EndpointSlices. The pool then follows the source at run time; a reload that changes these settings
 * restarts the source. {@link #NONE} is a route with written upstreams.
 */
public sealed interface UpstreamDiscovery {

    /** Upstreams written in the config. */
    None NONE = new None();

    /** What logs and the admin API call the source, e.g. {@code dns_srv _db._tcp.example} or {@code kubernetes prod/db}. */
    String describe();

    /**
     * How long open connections to an upstream the source removed may go on before they are closed; zero leaves
     * them until they end.
     */
    Duration closeRemovedAfter();

    /** Upstreams written in the config. */
    record None() implements UpstreamDiscovery {
        @Override
        public String describe() {
            return "config";
        }

        @Override
        public Duration closeRemovedAfter() {
            return Duration.ZERO;
        }
    }

    /**
     * The targets of a DNS SRV name, each with its port and weight; targets of the lowest priority are primaries,
     * the others backups. Asked again when the answer's TTL, held between {@code dns.min_ttl} and
     * {@code dns.max_ttl}, runs out.
     *
     * @param name              the SRV name, such as {@code _postgres._tcp.db.service.consul}
     * @param closeRemovedAfter see {@link UpstreamDiscovery#closeRemovedAfter()}
     */
    record DnsSrv(String name, Duration closeRemovedAfter) implements UpstreamDiscovery {

        private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_]([A-Za-z0-9_-]{0,62})(\\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,62}))*\\.?");

        public DnsSrv {
            Checks.require(name != null && name.length() <= 253 && NAME.matcher(name).matches(),
                    "upstreams.dns_srv: \"" + name + "\" (expected: a DNS name such as _postgres._tcp.db.example)");
            closeRemovedAfter = closeRemovedAfter == null ? Duration.ZERO : closeRemovedAfter;
            Checks.duration("upstreams.close_removed_after", closeRemovedAfter, true);
        }

        @Override
        public String describe() {
            return "dns_srv " + name;
        }
    }

    /**
     * The ready endpoints of a Kubernetes service, watched through its EndpointSlices; terminating endpoints drain.
     *
     * @param service           the service's name
     * @param namespace         its namespace; null for the client's own (in a pod: the pod's namespace)
     * @param port              the service port's name or number; null when the service has one port
     * @param kubeconfig        a kubeconfig file; null for the usual search (in-cluster service account, then
     *                          {@code KUBECONFIG} and {@code ~/.kube/config})
     * @param closeRemovedAfter see {@link UpstreamDiscovery#closeRemovedAfter()}
     */
    record Kubernetes(String service, String namespace, String port, Path kubeconfig, Duration closeRemovedAfter)
            implements UpstreamDiscovery {

        private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
        private static final Pattern PORT = Pattern.compile("[a-z0-9]([a-z0-9-]{0,13}[a-z0-9])?");

        public Kubernetes {
            Checks.require(service != null && DNS_LABEL.matcher(service).matches(),
                    "upstreams.kubernetes.service: \"" + service + "\" (expected: a service name, lower-case letters, "
                            + "digits and '-')");
            Checks.require(namespace == null || DNS_LABEL.matcher(namespace).matches(),
                    "upstreams.kubernetes.namespace: \"" + namespace + "\" (expected: a namespace name)");
            Checks.require(port == null || PORT.matcher(port).matches() && (!port.chars().allMatch(Character::isDigit)
                            || Integer.parseInt(port) >= 1 && Integer.parseInt(port) <= 65535),
                    "upstreams.kubernetes.port: \"" + port + "\" (expected: a port name or a number 1-65535)");
            closeRemovedAfter = closeRemovedAfter == null ? Duration.ZERO : closeRemovedAfter;
            Checks.duration("upstreams.close_removed_after", closeRemovedAfter, true);
        }

        @Override
        public String describe() {
            return "kubernetes " + (namespace == null ? "" : namespace + "/") + service + (port == null ? "" : ":" + port);
        }
    }
}
