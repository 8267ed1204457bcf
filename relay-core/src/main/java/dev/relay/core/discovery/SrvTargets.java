package dev.relay.core.discovery;

import dev.relay.core.config.Endpoint;
import dev.relay.core.config.UpstreamConfig;
import dev.relay.core.upstream.DiscoveredEndpoints;
import io.netty.resolver.dns.DnsNameResolver;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.Future;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Turns an SRV answer's target names into addresses, each with its target's port, weight and priority, before
 * the pool gets them: so that a DNS server that fails later breaks no connection (a pool of names would be looked
 * up again at each connect once their TTL ran out). A target that does not resolve is left out; when none
 * resolves, the answer is no pool. Runs on the resolver's event loop, and all its callbacks do too.
 */
final class SrvTargets {

    private SrvTargets() {
    }

    /** Resolves {@code answer}'s targets; {@code done} gets the pool, or null with {@code failed} told why. */
    static void resolve(DnsNameResolver resolver, DiscoveredEndpoints answer, Consumer<DiscoveredEndpoints> done,
                        Consumer<String> failed) {
        List<UpstreamConfig> targets = answer.serving();
        List<UpstreamConfig> resolved = new ArrayList<>();
        int[] pending = {targets.size()};
        String[] lastProblem = {null};
        for (UpstreamConfig target : targets) {
            Endpoint.Inet name = (Endpoint.Inet) target.address();
            if (NetUtil.isValidIpV4Address(name.host()) || NetUtil.isValidIpV6Address(name.host())) {
                resolved.add(target);
                finishOne(pending, resolved, lastProblem, done, failed);
                continue;
            }
            Future<List<InetAddress>> lookup = resolver.resolveAll(name.host());
            lookup.addListener(f -> {
                if (f.isSuccess()) {
                    for (InetAddress address : preferred(lookup.getNow())) {
                        resolved.add(new UpstreamConfig(new Endpoint.Inet(address.getHostAddress(), name.port()),
                                target.weight(), target.backup()));
                    }
                } else {
                    lastProblem[0] = "target " + name.host() + " does not resolve";
                }
                finishOne(pending, resolved, lastProblem, done, failed);
            });
        }
    }

    /**
     * The target's IPv4 addresses, or its IPv6 ones when it has none: as a hostname upstream is dialed, and so that
     * a target with both families does not count twice against one with one.
     */
    private static List<InetAddress> preferred(List<InetAddress> addresses) {
        List<InetAddress> v4 = addresses.stream().filter(Inet4Address.class::isInstance).toList();
        return v4.isEmpty() ? addresses : v4;
    }

    private static void finishOne(int[] pending, List<UpstreamConfig> resolved, String[] lastProblem,
                                  Consumer<DiscoveredEndpoints> done, Consumer<String> failed) {
        if (--pending[0] > 0) {
            return;
        }
        if (resolved.isEmpty() || resolved.stream().allMatch(UpstreamConfig::backup)) {
            failed.accept(lastProblem[0] == null ? "no SRV target resolves" : lastProblem[0]);
        } else {
            done.accept(new DiscoveredEndpoints(resolved, List.of()));
        }
    }
}
