package dev.relay.core.resolve;

import dev.relay.core.config.DnsConfig;
import dev.relay.core.transport.Transport;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.uring.IoUringDatagramChannel;
import io.netty.resolver.AddressResolverGroup;
import io.netty.resolver.ResolvedAddressTypes;
import io.netty.resolver.dns.DnsAddressResolverGroup;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.resolver.dns.DnsServerAddressStreamProviders;
import io.netty.resolver.dns.SequentialDnsServerAddressStreamProvider;

import java.net.InetSocketAddress;

/**
 * The relay's default upstream resolver: Netty's asynchronous DNS client on the relay's own event loops. It reads
 * /etc/hosts first, asks the host's DNS servers (or the configured ones) without blocking, and keeps each answer
 * for its TTL held between the config's floor and cap, so an upstream whose address changes is followed.
 */
public final class DnsResolvers {

    private DnsResolvers() {
    }

    public static AddressResolverGroup<InetSocketAddress> create(DnsConfig dns, Transport transport) {
        return new DnsAddressResolverGroup(builder(dns, transport));
    }

    /**
     * A DNS client configured as the upstream resolver is (servers, TTL floor and cap, the transport's datagram
     * channel); discovery builds its SRV client from it, on an event loop of its choice.
     */
    public static DnsNameResolverBuilder builder(DnsConfig dns, Transport transport) {
        DnsNameResolverBuilder builder = new DnsNameResolverBuilder()
                .datagramChannelType(datagramChannel(transport))
                .ttl((int) dns.minTtl().toSeconds(), (int) Math.max(1, dns.maxTtl().toSeconds()))
                .negativeTtl((int) dns.minTtl().toSeconds())
                .resolvedAddressTypes(ResolvedAddressTypes.IPV4_PREFERRED);
        if (!dns.servers().isEmpty()) {
            InetSocketAddress[] servers = dns.servers().stream()
                    .map(s -> (InetSocketAddress) s.toSocketAddress())
                    .toArray(InetSocketAddress[]::new);
            builder.nameServerProvider(new SequentialDnsServerAddressStreamProvider(servers));
        } else {
            builder.nameServerProvider(DnsServerAddressStreamProviders.platformDefault());
        }
        return builder;
    }

    private static Class<? extends DatagramChannel> datagramChannel(Transport transport) {
        return switch (transport.kind()) {
            case EPOLL -> EpollDatagramChannel.class;
            case IO_URING -> IoUringDatagramChannel.class;
            default -> NioDatagramChannel.class;
        };
    }
}
