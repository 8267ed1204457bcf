package dev.relay.core.discovery;

import dev.relay.core.base.Failures;
import dev.relay.core.config.DnsConfig;
import dev.relay.core.config.UpstreamDiscovery;
import dev.relay.core.resolve.DnsResolvers;
import dev.relay.core.transport.Transport;
import io.netty.channel.AddressedEnvelope;
import io.netty.handler.codec.dns.DefaultDnsQuestion;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponse;
import io.netty.resolver.dns.DnsNameResolver;
import io.netty.util.concurrent.Future;

import java.net.InetSocketAddress;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Follows a DNS SRV name: asks on an event loop with the relay's asynchronous DNS client (its servers, its TTL
 * floor and cap), resolves the targets to addresses ({@link SrvTargets}), applies the answer, and asks again when the answer's TTL, held between {@code dns.min_ttl} and
 * {@code dns.max_ttl}, runs out. A failed or empty answer keeps the pool and is asked again after the floor (at
 * least a second): a DNS outage never empties a pool.
 */
final class DnsSrvSource implements EndpointSource {

    private final UpstreamDiscovery.DnsSrv srv;
    private final DnsConfig dns;
    private final PoolUpdates updates;
    private final DnsNameResolver resolver;
    private volatile boolean closed;

    DnsSrvSource(UpstreamDiscovery.DnsSrv srv, DnsConfig dns, Transport transport, PoolUpdates updates) {
        this.srv = srv;
        this.dns = dns;
        this.updates = updates;
        this.resolver = DnsResolvers.builder(dns, transport).eventLoop(updates.timers()).build();
        updates.timers().execute(this::ask);
    }

    private void ask() {
        if (closed) {
            return;
        }
        Future<AddressedEnvelope<DnsResponse, InetSocketAddress>> query =
                resolver.query(new DefaultDnsQuestion(srv.name(), DnsRecordType.SRV));
        query.addListener(done -> {
            if (!done.isSuccess()) {
                updates.failed("SRV query failed: " + Failures.describe(done.cause()));
                askAgainIn(retrySeconds());
                return;
            }
            SrvAnswer answer;
            AddressedEnvelope<DnsResponse, InetSocketAddress> envelope = query.getNow();
            try {
                answer = SrvAnswer.of(envelope.content());
            } finally {
                envelope.release();
            }
            if (answer.endpoints() == null) {
                updates.failed(answer.problem());
                askAgainIn(retrySeconds());
                return;
            }
            long ttl = Math.max(1, Math.min(dns.maxTtl().toSeconds(),
                    Math.max(dns.minTtl().toSeconds(), answer.ttlSeconds())));
            SrvTargets.resolve(resolver, answer.endpoints(), pool -> {
                updates.answered(pool);
                askAgainIn(ttl);
            }, problem -> {
                updates.failed(problem);
                askAgainIn(retrySeconds());
            });
        });
    }

    private void askAgainIn(long seconds) {
        if (!closed) {
            updates.timers().schedule(this::ask, seconds, TimeUnit.SECONDS);
        }
    }

    private long retrySeconds() {
        return Math.max(1, dns.minTtl().toSeconds());
    }

    @Override
    public void close() {
        closed = true;
        updates.close();
        try {
            updates.timers().execute(resolver::close);
        } catch (RejectedExecutionException loopEnded) {
            resolver.close();
        }
    }
}
