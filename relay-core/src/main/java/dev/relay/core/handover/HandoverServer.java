package dev.relay.core.handover;

import dev.relay.core.base.Failures;
import dev.relay.core.base.RelayStartException;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.FileDescriptor;
import io.netty.channel.unix.UnixChannel;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.string.StringDecoder;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The running relay's side of a hand-over ({@link HandoverProtocol}): a Unix socket (mode 0600) where a new relay
 * process asks for the listening sockets, gets them as descriptors, and says when it serves them; then
 * {@code handedOver} runs (the CLI stops this process: no more accepting, a drain, exit). One hand-over at a time.
 * On its own thread, never an io loop's.
 */
public final class HandoverServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HandoverServer.class);

    private final EventLoopGroup group;
    private final Channel listener;

    private HandoverServer(EventLoopGroup group, Channel listener) {
        this.group = group;
        this.listener = listener;
    }

    /**
     * Listens at {@code path} (a file left there by a process that is gone, or by the one this process took over
     * from, is replaced; the path's directory must be writable). {@code sockets} gives the listening sockets at the moment they are asked for.
     */
    public static HandoverServer start(Path path, Supplier<List<Channel>> sockets, Runnable handedOver) {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("relay-handover", true),
                EpollIoHandler.newFactory());
        AtomicBoolean busy = new AtomicBoolean();
        // Bound under a name of this process's own, then moved over the path in one step: a process this one took
        // over from deletes its socket's file by name when it closes it, and must not delete this one's.
        Path own = path.resolveSibling(path.getFileName() + "." + ProcessHandle.current().pid());
        try {
            Files.deleteIfExists(own);
        } catch (IOException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new RelayStartException("cannot serve hand-overs at " + path + ": " + Failures.describe(e), e);
        }
        ChannelFuture bind = new ServerBootstrap().group(group).channel(EpollServerDomainSocketChannel.class)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        channel.pipeline().addLast(new LineBasedFrameDecoder(HandoverProtocol.MAX_LINE),
                                new StringDecoder(StandardCharsets.UTF_8), new Conversation(sockets, busy, handedOver));
                    }
                })
                .bind(new DomainSocketAddress(own.toString())).awaitUninterruptibly();
        if (!bind.isSuccess()) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new RelayStartException("cannot serve hand-overs at " + path + ": " + Failures.describe(bind.cause()),
                    bind.cause());
        }
        try {
            Files.setPosixFilePermissions(own, PosixFilePermissions.fromString("rw-------"));
            Files.move(own, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            bind.channel().close();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new RelayStartException("cannot make " + path + " private: " + Failures.describe(e), e);
        }
        log.info("hand-overs served at {}", path);
        return new HandoverServer(group, bind.channel());
    }

    /** One hand-over, from TAKEOVER to READY or to the new process's end. */
    private static final class Conversation extends SimpleChannelInboundHandler<String> {
        private final Supplier<List<Channel>> sockets;
        private final AtomicBoolean busy;
        private final Runnable handedOver;
        private List<Channel> offered;
        private String taker = "?";
        private boolean mine;
        private boolean done;

        Conversation(Supplier<List<Channel>> sockets, AtomicBoolean busy, Runnable handedOver) {
            this.sockets = sockets;
            this.busy = busy;
            this.handedOver = handedOver;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, String line) {
            String[] words = line.trim().split(" ");
            switch (words[0]) {
                case HandoverProtocol.TAKEOVER -> {
                    taker = words.length > 1 ? words[1] : "?";
                    if (!busy.compareAndSet(false, true)) {
                        log.warn("hand-over to pid {} refused: another one is under way", taker);
                        say(ctx, HandoverProtocol.BUSY).addListener(f -> ctx.close());
                        return;
                    }
                    mine = true;
                    offered = sockets.get();
                    log.info("hand-over to pid {}: passing {} listening sockets", taker, offered.size());
                    say(ctx, HandoverProtocol.SOCKETS + " " + offered.size());
                }
                case HandoverProtocol.SEND -> {
                    if (!mine) {
                        ctx.close();
                        return;
                    }
                    for (Channel socket : offered) {
                        ctx.write(new FileDescriptor(((UnixChannel) socket).fd().intValue()));
                    }
                    ctx.flush();
                }
                case HandoverProtocol.READY -> {
                    if (mine && !done) {
                        done = true;
                        log.info("hand-over to pid {} done: it serves every listening socket; stopping here", taker);
                        handedOver.run();
                    }
                }
                default -> ctx.close();
            }
        }

        private static ChannelFuture say(ChannelHandlerContext ctx, String line) {
            return ctx.writeAndFlush(Unpooled.copiedBuffer(line + "\n", StandardCharsets.UTF_8));
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (mine && !done) {
                log.warn("hand-over to pid {} did not complete (it ended before serving): serving on", taker);
                busy.set(false);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("hand-over connection: {}", cause.toString());
            ctx.close();
        }
    }

    /**
     * Stops serving hand-overs. The socket file stays: after a hand-over it is the new process's, and a stale one is
     * replaced by the next start.
     */
    @Override
    public void close() {
        listener.close().awaitUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
