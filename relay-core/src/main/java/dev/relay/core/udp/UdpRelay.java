package dev.relay.core.udp;

import dev.relay.core.base.Addresses;
import dev.relay.core.base.RelayStartException;
import dev.relay.core.config.Endpoint;
import dev.relay.core.config.TransportKind;
import dev.relay.core.transport.Transport;
import dev.relay.core.transport.Transports;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * Relays the datagrams sent to one UDP address to one upstream, with a session per client address (see
 * {@link UdpFrontend}). The listener and every session's socket share one event loop, so none of their state needs
 * a lock.
 */
public final class UdpRelay implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(UdpRelay.class);

    private final EventLoopGroup group;
    private final Channel listener;
    private final UdpCounters counters;
    private final UdpFrontend frontend;

    private UdpRelay(EventLoopGroup group, Channel listener, UdpCounters counters, UdpFrontend frontend) {
        this.group = group;
        this.listener = listener;
        this.counters = counters;
        this.frontend = frontend;
    }

    /** Binds {@code settings.listen()} on the given transport and relays until {@link #close()}. */
    public static UdpRelay start(UdpSettings settings, TransportKind kind) {
        Transport transport = Transports.select(kind, false);
        InetSocketAddress upstream = resolve(settings.upstream());
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("relay-udp"),
                transport.ioHandlerFactory());
        // One byte more than the largest datagram taken: a larger one arrives cut to that size, and is dropped.
        FixedRecvByteBufAllocator reads = new FixedRecvByteBufAllocator(settings.maxDatagramSize() + 1);
        Bootstrap sessionSockets = new Bootstrap()
                .group(group)
                .channel(transport.datagramChannel())
                .option(ChannelOption.RCVBUF_ALLOCATOR, reads);
        UdpCounters counters = new UdpCounters();
        UdpFrontend frontend = new UdpFrontend(settings, counters, session -> sessionSockets.clone()
                .handler(new UdpBackend(session))
                .connect(upstream));
        ChannelFuture bind = new Bootstrap()
                .group(group)
                .channel(transport.datagramChannel())
                .option(ChannelOption.RCVBUF_ALLOCATOR, reads)
                .option(ChannelOption.SO_REUSEADDR, true)
                .handler(frontend)
                .bind(transport.addressFor(settings.listen()))
                .awaitUninterruptibly();
        if (!bind.isSuccess()) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
            throw RelayStartException.cannotListen(settings.listen(), bind.cause());
        }
        log.info("udp listening on {} -> {} (idle timeout {}, transport {})",
                Addresses.format(bind.channel().localAddress()), Addresses.format(upstream),
                dev.relay.core.config.Durations.format(settings.idleTimeout()), transport.kind());
        return new UdpRelay(group, bind.channel(), counters, frontend);
    }

    /** The upstream's address, looked up once here on the starting thread, never on the event loop. */
    private static InetSocketAddress resolve(Endpoint.Inet upstream) {
        InetSocketAddress address = (InetSocketAddress) upstream.toSocketAddress();
        if (address.isUnresolved()) {
            address = new InetSocketAddress(address.getHostString(), address.getPort());
            if (address.isUnresolved()) {
                throw new RelayStartException("cannot relay to " + upstream + ": cannot resolve " + upstream.host(),
                        null);
            }
        }
        return address;
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) listener.localAddress();
    }

    public UdpCounters counters() {
        return counters;
    }

    /** Sessions open now, counted on the event loop. */
    public int openSessions() {
        return listener.eventLoop().submit(frontend::openSessions).syncUninterruptibly().getNow();
    }

    /** Stops listening; every session's socket closes with it. */
    @Override
    public void close() {
        listener.close().awaitUninterruptibly();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
    }
}
