package dev.relay.core.tools;

import dev.relay.core.base.Addresses;
import dev.relay.core.base.RelayStartException;
import dev.relay.core.config.Endpoint;
import dev.relay.core.transport.Transport;
import dev.relay.core.transport.Transports;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The datagram counterpart of {@link EchoServer}: answers every datagram to its sender, with the same bytes or a
 * fixed text, and logs who sent how much.
 */
public final class UdpEchoServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger("dev.relay.echo");

    private final EventLoopGroup group;
    private final Channel socket;

    private UdpEchoServer(EventLoopGroup group, Channel socket) {
        this.group = group;
        this.socket = socket;
    }

    public static UdpEchoServer start(EchoConfig config) {
        if (!(config.listen() instanceof Endpoint.Inet)) {
            throw new RelayStartException("cannot listen on " + config.listen() + ": UDP needs an IP address and port",
                    null);
        }
        Transport transport = Transports.select(config.transport(), false);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("echo-udp"),
                transport.ioHandlerFactory());
        byte[] reply = config.reply() == null ? null : config.reply().getBytes(StandardCharsets.UTF_8);
        ChannelFuture bind = new Bootstrap()
                .group(group)
                .channel(transport.datagramChannel())
                .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(65_536))
                .option(ChannelOption.SO_REUSEADDR, true)
                .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
                        InetSocketAddress sender = packet.sender();
                        log.info("datagram from {}: {} bytes", Addresses.format(sender), packet.content().readableBytes());
                        ByteBuf answer = reply != null ? Unpooled.wrappedBuffer(reply) : packet.content().retain();
                        ctx.writeAndFlush(new DatagramPacket(answer, sender), ctx.voidPromise());
                    }

                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                        log.debug("udp echo: {}", cause.toString());
                    }
                })
                .bind(transport.addressFor(config.listen()))
                .awaitUninterruptibly();
        if (!bind.isSuccess()) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
            throw RelayStartException.cannotListen(config.listen(), bind.cause());
        }
        log.info("udp echo server listening on {} ({}, transport {})", Addresses.format(bind.channel().localAddress()),
                config.reply() == null ? "echoing" : "replying \"" + config.reply() + "\"", transport.kind());
        return new UdpEchoServer(group, bind.channel());
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) socket.localAddress();
    }

    @Override
    public void close() {
        socket.close().awaitUninterruptibly();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
    }
}
