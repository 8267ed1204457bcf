package dev.relay.core.admin;

import dev.relay.core.base.RelayStartException;
import dev.relay.core.server.UnixListenPath;
import dev.relay.core.config.AdminConfig;
import dev.relay.core.http.HttpService;
import dev.relay.core.http.InOrderResponses;
import dev.relay.core.server.AcceptFailureHandler;
import dev.relay.core.base.Addresses;
import dev.relay.core.transport.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.SocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The admin listener: Netty's HTTP codec on the relay's own event loops, serving {@code /metrics}, the JSON API
 * under {@code /api/} and the status page at {@code /}.
 */
public final class AdminServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AdminServer.class);
    /** Requests are small: a larger one is refused before it is read whole. */
    private static final int MAX_REQUEST_BYTES = 64 * 1024;
    /** An admin connection that sends nothing for this long is closed, so idle clients hold no descriptor. */
    private static final int IDLE_SECONDS = 60;

    private final Channel listener;
    private final EventLoopGroup loop;
    private final ExecutorService worker;

    private AdminServer(Channel listener, EventLoopGroup loop, ExecutorService worker) {
        this.listener = listener;
        this.loop = loop;
        this.worker = worker;
    }

    /**
     * Binds the admin listener on an event loop of its own: whatever a client sends it (a scrape storm, paths that
     * cost work, pipelined requests) is done on that loop and the worker, never on the loops that relay bytes.
     */
    public static AdminServer start(RelayControl relay, AdminConfig config, Transport transport) {
        BearerToken token = config.tokenFile() == null ? null : BearerToken.fromFile(config.tokenFile());
        UnixListenPath.claim(config.listen());
        relay.metrics().exportJvm();
        byte[] statusPage = statusPage();
        ExecutorService worker = Executors.newSingleThreadExecutor(new DefaultThreadFactory("relay-admin-work", true));
        HttpService api = AdminApi.service(relay, token, worker, statusPage, new ConnectionSnapshots());
        EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("relay-admin", true),
                transport.ioHandlerFactory());
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(loop)
                .channel(transport.serverChannelFor(config.listen()))
                .handler(new AcceptFailureHandler(config.listen()))
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        channel.pipeline().addLast(
                                new ReadTimeoutHandler(IDLE_SECONDS),
                                new HttpServerCodec(),
                                new HttpObjectAggregator(MAX_REQUEST_BYTES),
                                new InOrderResponses(),
                                api);
                    }
                });
        if (config.listen() instanceof dev.relay.core.config.Endpoint.Inet) {
            bootstrap.option(ChannelOption.SO_REUSEADDR, true);
        }
        ChannelFuture bind = bootstrap.bind(transport.addressFor(config.listen())).awaitUninterruptibly();
        if (!bind.isSuccess()) {
            worker.shutdownNow();
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw RelayStartException.cannotListen(config.listen(), bind.cause());
        }
        log.info("admin listening on {}{}", Addresses.format(bind.channel().localAddress()),
                token == null ? "" : " (bearer token required)");
        return new AdminServer(bind.channel(), loop, worker);
    }

    private static byte[] statusPage() {
        try (InputStream in = AdminServer.class.getResourceAsStream("status.html")) {
            if (in == null) {
                throw new IllegalStateException("status.html is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public SocketAddress localAddress() {
        return listener.localAddress();
    }

    @Override
    public void close() {
        listener.close().awaitUninterruptibly();
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        worker.shutdown();
        try {
            worker.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
