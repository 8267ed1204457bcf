package dev.relay.core.udp;

import dev.relay.core.base.RelayStartException;
import dev.relay.core.config.Endpoint;
import dev.relay.core.transport.Transport;
import dev.relay.core.upstream.Upstream;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import dev.relay.core.handover.InheritedSocket;
import dev.relay.core.handover.InheritedSockets;
import io.netty.resolver.AddressResolverGroup;
import io.netty.util.concurrent.Future;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One UDP listen address: its socket, or with {@code reuse_port} one socket per event loop (the kernel then keeps
 * each client's datagrams on one of them, by its address and port), each with its {@link UdpFrontend}. A session's
 * upstream socket lives on its listener socket's loop, so nothing of a session is shared between threads.
 */
final class UdpListener {

    private final Endpoint endpoint;
    private final Transport transport;
    private final List<Channel> channels;
    private final List<UdpFrontend> frontends;

    private UdpListener(Endpoint endpoint, Transport transport, List<Channel> channels, List<UdpFrontend> frontends) {
        this.endpoint = endpoint;
        this.transport = transport;
        this.channels = channels;
        this.frontends = frontends;
    }

    /** Binds {@code endpoint} for {@code route}; throws {@link RelayStartException}, with nothing left bound, when it cannot. */
    static UdpListener bind(Endpoint.Inet endpoint, UdpRoute route, Transport transport, EventLoopGroup group,
                            boolean reusePort, AddressResolverGroup<? extends SocketAddress> resolver,
                            AtomicLong sessionIds, ChannelGroup sockets, InheritedSockets inherited) {
        List<InheritedSocket> passedAll = inherited.takeAll(endpoint, true, List.of(route.name()));
        SocketAddress address = passedAll.isEmpty() ? resolve(endpoint, transport) : passedAll.get(0).local();
        List<EventLoop> loops = new ArrayList<>();
        if (!passedAll.isEmpty()) {
            passedAll.forEach(socket -> loops.add(group.next()));
        } else if (reusePort) {
            group.forEach(loop -> loops.add((EventLoop) loop));
        } else {
            loops.add(group.next());
        }
        List<Channel> bound = new ArrayList<>();
        List<UdpFrontend> frontends = new ArrayList<>();
        for (int i = 0; i < loops.size(); i++) {
            EventLoop loop = loops.get(i);
            InheritedSocket passed = passedAll.isEmpty() ? null : passedAll.get(i);
            UdpFrontend frontend = new UdpFrontend(route, upstreamSockets(loop, transport, resolver, sockets),
                    sessionIds);
            Bootstrap bootstrap = DatagramReads.apply(new Bootstrap(), transport,
                            route.state().config().udp().maxDatagramSize())
                    .group(loop)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .handler(frontend);
            if (passed == null) {
                bootstrap.channel(transport.datagramChannel());
            }
            ChannelFuture bind;
            if (passed != null) {
                // Bound already, by whoever passed it: registered, never bound again.
                bind = bootstrap.channelFactory((io.netty.channel.ChannelFactory<io.netty.channel.socket.DatagramChannel>)
                        () -> transport.datagramChannelOn(passed.fd())).register().awaitUninterruptibly();
            } else {
                if (reusePort) {
                    bootstrap.option(transport.reusePortOption(), true);
                }
                // Port 0 picks a port on the first bind; the other copies must share it.
                bind = bootstrap.bind(bound.isEmpty() ? address : bound.get(0).localAddress()).awaitUninterruptibly();
            }
            if (!bind.isSuccess()) {
                bound.forEach(c -> c.close().awaitUninterruptibly());
                throw RelayStartException.cannotListen(endpoint, bind.cause());
            }
            bound.add(bind.channel());
            sockets.add(bind.channel());
            frontends.add(frontend);
        }
        return new UdpListener(endpoint, transport, List.copyOf(bound), List.copyOf(frontends));
    }

    /** Opens sessions' upstream sockets on {@code loop}, resolving hostnames with the relay's DNS client. */
    private static UpstreamSockets upstreamSockets(EventLoop loop, Transport transport,
                                                   AddressResolverGroup<? extends SocketAddress> resolver,
                                                   ChannelGroup sockets) {
        Bootstrap template = new Bootstrap()
                .group(loop)
                .channel(transport.datagramChannel());
        return (UdpSession session, Upstream upstream) -> {
            ChannelFuture connect = DatagramReads.apply(template.clone(), transport, session.maxDatagramSize())
                    .resolver(upstream.resolverFrom(resolver))
                    .handler(new UdpBackend(session))
                    .connect(upstream.dialAddress(transport));
            sockets.add(connect.channel());
            return connect;
        };
    }

    /** The listen address, a hostname looked up here on the starting thread (never an event loop). */
    private static SocketAddress resolve(Endpoint.Inet endpoint, Transport transport) {
        SocketAddress address = transport.addressFor(endpoint);
        if (address instanceof InetSocketAddress inet && inet.isUnresolved()) {
            InetSocketAddress resolved = new InetSocketAddress(inet.getHostString(), inet.getPort());
            if (resolved.isUnresolved()) {
                throw new RelayStartException("cannot listen on " + endpoint + " (udp): cannot resolve "
                        + endpoint.host(), null);
            }
            return resolved;
        }
        return address;
    }

    Endpoint endpoint() {
        return endpoint;
    }

    List<Channel> channels() {
        return channels;
    }

    SocketAddress localAddress() {
        return channels.get(0).localAddress();
    }

    /** The route new sessions here open for. */
    UdpRoute route() {
        return frontends.get(0).route();
    }

    /** New sessions here open for {@code next}, and the sockets read datagrams as large as it takes. */
    void route(UdpRoute next) {
        frontends.forEach(frontend -> frontend.route(next));
        int size = next.state().config().udp().maxDatagramSize();
        channels.forEach(channel -> DatagramReads.apply(channel, transport, size));
    }

    /** No new sessions; closes once the open ones end, or after {@code withinNanos} with those still open. */
    void drain(long withinNanos) {
        frontends.forEach(frontend -> frontend.drain(withinNanos));
    }

    /** Closes now: every session here ends. */
    void close() {
        channels.forEach(Channel::close);
    }

    /** Completes when every socket of this listener is closed. */
    CompletableFuture<Void> closed() {
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (Channel channel : channels) {
            CompletableFuture<Void> one = new CompletableFuture<>();
            channel.closeFuture().addListener((Future<? super Void> f) -> one.complete(null));
            all.add(one);
        }
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
    }
}
