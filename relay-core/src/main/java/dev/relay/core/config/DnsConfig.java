package dev.relay.core.config;

import io.netty.util.NetUtil;
import java.time.Duration;
import java.util.List;

/**
 * How upstream hostnames are resolved: looked up again whenever the answer's TTL runs out, kept at least
 * {@code minTtl} and at most {@code maxTtl}, never on an event loop's time.
 *
 * @param minTtl  the floor on how long an answer is kept, against TTLs of 0 that would query per connect
 * @param maxTtl  the cap, so an upstream that moves is followed even behind a long TTL
 * @param servers DNS servers to ask; empty means the host's own (/etc/resolv.conf). /etc/hosts is read first.
 */
public record DnsConfig(Duration minTtl, Duration maxTtl, List<Endpoint.Inet> servers) {

    public static final DnsConfig DEFAULT = new DnsConfig(Duration.ofSeconds(1), Duration.ofMinutes(5), List.of());

    public DnsConfig {
        Checks.duration("dns.min_ttl", minTtl, true);
        Checks.duration("dns.max_ttl", maxTtl, false);
        Checks.require(minTtl.compareTo(maxTtl) <= 0, "dns.min_ttl: " + Durations.format(minTtl)
                + " is above dns.max_ttl " + Durations.format(maxTtl));
        Checks.require(servers != null, "dns.servers: missing");
        servers = List.copyOf(servers);
        for (Endpoint.Inet server : servers) {
            boolean literal = NetUtil.isValidIpV4Address(server.host()) || NetUtil.isValidIpV6Address(server.host());
            Checks.require(literal && server.port() != 0,
                    "dns.servers: " + server + " (expected: an IP address and port)");
        }
    }
}
