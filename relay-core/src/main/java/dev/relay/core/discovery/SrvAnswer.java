package dev.relay.core.discovery;

import dev.relay.core.config.Endpoint;
import dev.relay.core.config.UpstreamConfig;
import dev.relay.core.upstream.DiscoveredEndpoints;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.dns.DefaultDnsRecordDecoder;
import io.netty.handler.codec.dns.DnsRawRecord;
import io.netty.handler.codec.dns.DnsRecord;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponse;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;

import java.util.ArrayList;
import java.util.List;

/**
 * A DNS answer to an SRV question read as a pool (RFC 2782): each target with its port; its weight, 0 taken as
 * 1 and capped at 1000 (a pool's weights' range); targets of the lowest priority are primaries, every other one a
 * backup. A target of "." (the service is decidedly not there) or an answer without SRV records is no pool.
 *
 * @param endpoints the pool, or null when the answer holds none
 * @param ttlSeconds the shortest TTL among the records: when to ask again (before the floor and cap)
 * @param problem   why the answer is no pool, when it is not
 */
record SrvAnswer(DiscoveredEndpoints endpoints, long ttlSeconds, String problem) {

    private record Target(int priority, int weight, int port, String host) { }

    static SrvAnswer of(DnsResponse response) {
        if (response.code() != DnsResponseCode.NOERROR) {
            return new SrvAnswer(null, 0, "answered " + response.code().toString());
        }
        List<Target> targets = new ArrayList<>();
        long ttl = Long.MAX_VALUE;
        int count = response.count(DnsSection.ANSWER);
        for (int i = 0; i < count; i++) {
            DnsRecord record = response.recordAt(DnsSection.ANSWER, i);
            if (record.type() != DnsRecordType.SRV || !(record instanceof DnsRawRecord raw)) {
                continue;
            }
            Target target = read(raw.content());
            if (target == null) {
                return new SrvAnswer(null, 0, "answered a malformed SRV record");
            }
            ttl = Math.min(ttl, record.timeToLive());
            if (!target.host().isEmpty() && target.port() != 0) {
                targets.add(target);
            }
        }
        if (targets.isEmpty()) {
            return new SrvAnswer(null, 0, "answered no SRV targets");
        }
        int primary = targets.stream().mapToInt(Target::priority).min().orElseThrow();
        List<UpstreamConfig> serving = new ArrayList<>();
        for (Target t : targets) {
            serving.add(new UpstreamConfig(new Endpoint.Inet(t.host(), t.port()), Math.max(1, Math.min(1000, t.weight())),
                    t.priority() != primary));
        }
        return new SrvAnswer(new DiscoveredEndpoints(serving, List.of()), ttl, null);
    }

    /** Priority, weight, port, then the target's name, which may point into the rest of the message. */
    private static Target read(ByteBuf content) {
        ByteBuf data = content.duplicate();
        if (data.readableBytes() < 7) {
            return null;
        }
        int priority = data.readUnsignedShort();
        int weight = data.readUnsignedShort();
        int port = data.readUnsignedShort();
        String name;
        try {
            name = DefaultDnsRecordDecoder.decodeName(data);
        } catch (RuntimeException malformed) {
            return null;
        }
        String host = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
        return new Target(priority, weight, port, host);
    }
}
