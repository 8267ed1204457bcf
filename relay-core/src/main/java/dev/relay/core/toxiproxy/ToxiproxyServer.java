package dev.relay.core.toxiproxy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.relay.core.http.HttpError;
import dev.relay.core.http.Reply;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import dev.relay.core.RelayServer;
import dev.relay.core.base.Addresses;
import dev.relay.core.base.RelayStartException;
import dev.relay.core.config.Endpoint;
import dev.relay.core.config.ServerConfig;
import dev.relay.core.config.TransportKind;
import dev.relay.core.http.HttpService;
import dev.relay.core.http.InOrderResponses;
import dev.relay.core.server.AcceptFailureHandler;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.SocketAddress;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A Toxiproxy-compatible server in-process: Toxiproxy's HTTP API (on its own small event loop, Netty's HTTP
 * codec) in front of a relay whose routes are the proxies. Requests are handled one at a time on a worker thread,
 * since a change reloads the relay's routes and binds sockets.
 *
 * <pre>{@code
 * try (ToxiproxyServer toxiproxy = ToxiproxyServer.start(Endpoint.parse("127.0.0.1:8474"))) {
 *     // new ToxiproxyClient("127.0.0.1", 8474).createProxy("db", "127.0.0.1:0", "127.0.0.1:5432") ...
 * }
 * }</pre>
 */
public final class ToxiproxyServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ToxiproxyServer.class);
    private static final int MAX_REQUEST_BYTES = 1 << 20;

    private final RelayServer relay;
    private final EventLoopGroup httpGroup;
    private final ExecutorService worker;
    private final Channel listener;
    private final ToxiproxyApi api;

    private ToxiproxyServer(RelayServer relay, EventLoopGroup httpGroup, ExecutorService worker, Channel listener,
                            ToxiproxyApi api) {
        this.api = api;
        this.relay = relay;
        this.httpGroup = httpGroup;
        this.worker = worker;
        this.listener = listener;
    }

    public static ToxiproxyServer start(Endpoint listen) {
        return start(listen, TransportKind.AUTO);
    }

    public static ToxiproxyServer start(Endpoint listen, TransportKind transport) {
        // Proxies go at once when removed or disabled, as Toxiproxy's do: no drain time.
        RelayServer relay = RelayServer.start(ServerConfig.of().with(transport, 0, Duration.ZERO)
                // Toxics reach connections already open, which a spliced one (bytes never in the JVM) could not.
                .withSplice(false));
        ExecutorService worker = Executors.newSingleThreadExecutor(new DefaultThreadFactory("relay-toxiproxy-api", true));
        // One worker answers every request: a change reloads the relay, one at a time.
        ToxiproxyApi api = new ToxiproxyApi(relay);
        HttpService service = new HttpService("toxiproxy API", api.routes(), worker, request -> null,
                ToxiproxyApi::error);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("relay-toxiproxy-http", true),
                NioIoHandler.newFactory());
        ChannelFuture bind = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .handler(new AcceptFailureHandler(listen))
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        channel.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(MAX_REQUEST_BYTES),
                                new InOrderResponses(), service);
                    }
                })
                .bind(listen.toSocketAddress()).awaitUninterruptibly();
        if (!bind.isSuccess()) {
            worker.shutdownNow();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            relay.close();
            throw RelayStartException.cannotListen(listen, bind.cause());
        }
        log.info("toxiproxy API listening on {}", Addresses.format(bind.channel().localAddress()));
        return new ToxiproxyServer(relay, group, worker, bind.channel(), api);
    }

    /**
     * Creates the proxies of {@code file}, as Toxiproxy's {@code -config} does: its JSON (a list of {@code name},
     * {@code listen}, {@code upstream}, {@code enabled}), or the same in YAML; each proxy may carry {@code toxics} in
     * the API's toxic shape. On the API's own thread, as every change is; a bad file is a {@link RelayStartException}
     * saying what is wrong in one line.
     */
    public void populate(Path file) {
        JsonNode proxies;
        try {
            Object parsed = new Load(LoadSettings.builder().setLabel(file.toString()).build())
                    .loadFromString(Files.readString(file));
            proxies = Reply.JSON.valueToTree(parsed);
        } catch (IOException | RuntimeException e) {
            throw new RelayStartException(file + ": cannot read it: " + e.getMessage().lines().findFirst().orElse(""), e);
        }
        try {
            worker.submit(() -> api.populate(proxies)).get();
        } catch (ExecutionException e) {
            String why = e.getCause() instanceof HttpError http ? http.getMessage() : String.valueOf(e.getCause());
            throw new RelayStartException(file + ": " + why, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RelayStartException(file + ": interrupted", e);
        }
        log.info("toxiproxy: {} proxies from {}", proxies.size(), file);
    }

    /** Where the API listens (the real port when 0 was asked for). */
    public SocketAddress apiAddress() {
        return listener.localAddress();
    }

    /** The relay carrying the proxies' traffic. */
    public RelayServer relay() {
        return relay;
    }

    @Override
    public void close() {
        listener.close().awaitUninterruptibly();
        worker.shutdownNow();
        httpGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
        relay.close();
    }
}
