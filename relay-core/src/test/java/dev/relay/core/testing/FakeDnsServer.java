package dev.relay.core.testing;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.dns.DatagramDnsQuery;
import io.netty.handler.codec.dns.DatagramDnsQueryDecoder;
import io.netty.handler.codec.dns.DatagramDnsResponse;
import io.netty.handler.codec.dns.DatagramDnsResponseEncoder;
import io.netty.handler.codec.dns.DefaultDnsRawRecord;
import io.netty.handler.codec.dns.DnsQuestion;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.dns.DnsSection;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A DNS server on 127.0.0.1 that answers every A or AAAA question with the one address set last (of the matching
 * family; the other family gets an empty answer), and SRV questions with the records set last for that name, with a
 * short TTL, so a test can move a name or change a service's targets and watch the relay follow. It can also be
 * told to answer SERVFAIL to everything, an outage the relay must ride out.
 */
public final class FakeDnsServer implements AutoCloseable {

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final AtomicReference<InetAddress> answer = new AtomicReference<>();
    private final AtomicInteger queries = new AtomicInteger();
    private final Map<String, List<Srv>> services = new ConcurrentHashMap<>();
    private volatile boolean failing;

    /** One SRV record: a target host and port with its priority and weight. */
    public record Srv(int priority, int weight, int port, String target) { }
    private final int ttlSeconds;
    private final Channel channel;

    public FakeDnsServer(InetAddress initial, int ttlSeconds) {
        this.ttlSeconds = ttlSeconds;
        answer.set(initial);
        channel = new Bootstrap().group(group).channel(NioDatagramChannel.class)
                .handler(new ChannelInitializer<NioDatagramChannel>() {
                    @Override
                    protected void initChannel(NioDatagramChannel ch) {
                        ch.pipeline().addLast(new DatagramDnsQueryDecoder(), new DatagramDnsResponseEncoder(),
                                new Answerer());
                    }
                })
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).syncUninterruptibly().channel();
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    /** From now on, every name resolves to {@code address}. */
    public void answer(InetAddress address) {
        answer.set(address);
    }

    /** From now on, SRV questions for {@code name} get {@code records} (none: an empty answer). */
    public void srv(String name, List<Srv> records) {
        services.put(withDot(name), List.copyOf(records));
    }

    /** While true, every question is answered SERVFAIL. */
    public void failing(boolean value) {
        failing = value;
    }

    private static String withDot(String name) {
        return name.endsWith(".") ? name : name + ".";
    }

    public int queries() {
        return queries.get();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Priority, weight, port and the target's labels, uncompressed (RFC 2782). */
    private static ByteBuf rdata(Srv srv) {
        ByteBuf data = Unpooled.buffer();
        data.writeShort(srv.priority()).writeShort(srv.weight()).writeShort(srv.port());
        for (String label : srv.target().split("\\.")) {
            if (!label.isEmpty()) {
                byte[] bytes = label.getBytes(StandardCharsets.US_ASCII);
                data.writeByte(bytes.length).writeBytes(bytes);
            }
        }
        data.writeByte(0);
        return data;
    }

    private final class Answerer extends SimpleChannelInboundHandler<DatagramDnsQuery> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramDnsQuery query) {
            queries.incrementAndGet();
            DnsQuestion question = query.recordAt(DnsSection.QUESTION);
            DatagramDnsResponse response = new DatagramDnsResponse(query.recipient(), query.sender(), query.id());
            response.addRecord(DnsSection.QUESTION, question);
            if (failing) {
                response.setCode(DnsResponseCode.SERVFAIL);
                ctx.writeAndFlush(response);
                return;
            }
            if (question.type() == DnsRecordType.SRV) {
                for (Srv srv : services.getOrDefault(question.name(), List.of())) {
                    response.addRecord(DnsSection.ANSWER, new DefaultDnsRawRecord(question.name(), DnsRecordType.SRV,
                            ttlSeconds, rdata(srv)));
                }
                ctx.writeAndFlush(response);
                return;
            }
            byte[] address = answer.get().getAddress();
            DnsRecordType wanted = address.length == 4 ? DnsRecordType.A : DnsRecordType.AAAA;
            if (question.type() == wanted) {
                response.addRecord(DnsSection.ANSWER, new DefaultDnsRawRecord(question.name(), wanted, ttlSeconds,
                        Unpooled.wrappedBuffer(address)));
            }
            ctx.writeAndFlush(response);
        }
    }
}
