package dev.relay.core.tools;

import dev.relay.core.base.RelayStartException;
import dev.relay.core.server.UnixListenPath;
import dev.relay.core.config.Endpoint;
import dev.relay.core.server.AcceptFailureHandler;
import dev.relay.core.base.Addresses;
import dev.relay.core.transport.Transport;
import dev.relay.core.transport.Transports;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.SocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A server to relay to while trying relay out: logs who connected and what came, and echoes it back (or answers
 * with a fixed text). Serves many clients at once on the same event loops as the relay would.
 */
public final class EchoServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger("dev.relay.echo");

    private final EventLoopGroup group;
    private final Channel listener;

    private EchoServer(EventLoopGroup group, Channel listener) {
        this.group = group;
        this.listener = listener;
    }

    public static EchoServer start(EchoConfig config) {
        UnixListenPath.claim(config.listen());
        Transport transport = Transports.select(config.transport(), config.listen() instanceof Endpoint.Unix);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(0, new DefaultThreadFactory("echo-io"),
                transport.ioHandlerFactory());
        AtomicLong ids = new AtomicLong();
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(transport.serverChannelFor(config.listen()))
                .handler(new AcceptFailureHandler(config.listen()))
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new EchoHandler(ids.incrementAndGet(), config.reply()));
                    }
                });
        if (transport.halfClosesOn(config.listen())) {
            bootstrap.childOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        }
        if (config.listen() instanceof Endpoint.Inet) {
            bootstrap.option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.TCP_NODELAY, true);
        }
        ChannelFuture bind = bootstrap.bind(transport.addressFor(config.listen())).awaitUninterruptibly();
        if (!bind.isSuccess()) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
            throw RelayStartException.cannotListen(config.listen(), bind.cause());
        }
        log.info("echo server listening on {} ({}, transport {})", Addresses.format(bind.channel().localAddress()),
                config.reply() == null ? "echoing" : "replying \"" + config.reply() + "\"", transport.kind());
        return new EchoServer(group, bind.channel());
    }

    public SocketAddress localAddress() {
        return listener.localAddress();
    }

    @Override
    public void close() {
        listener.close().awaitUninterruptibly();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
    }
}
