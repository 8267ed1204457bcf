package dev.relay.core.handover;

import dev.relay.core.base.Failures;
import dev.relay.core.base.RelayStartException;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.DomainSocketReadMode;
import io.netty.channel.unix.FileDescriptor;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.string.StringDecoder;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The new relay process's side of a hand-over ({@link HandoverProtocol}): asks the running one for its listening
 * sockets, and once it serves them says so ({@link #ready()}), or lets go ({@link #abandon()}) and the running one
 * serves on.
 */
public final class HandoverClient implements AutoCloseable {

    private final EventLoopGroup group;
    private final Channel channel;
    private final InheritedSockets sockets;

    private HandoverClient(EventLoopGroup group, Channel channel, InheritedSockets sockets) {
        this.group = group;
        this.channel = channel;
        this.sockets = sockets;
    }

    /**
     * Asks the relay serving hand-overs at {@code path} for its listening sockets; a one-line
     * {@link RelayStartException} when nothing serves there, another hand-over is under way, or no answer comes
     * within {@code within}.
     */
    public static HandoverClient takeOver(Path path, Duration within) {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("relay-takeover", true),
                EpollIoHandler.newFactory());
        CompletableFuture<List<Integer>> received = new CompletableFuture<>();
        ChannelFuture connect = new Bootstrap().group(group).channel(EpollDomainSocketChannel.class)
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new LineBasedFrameDecoder(HandoverProtocol.MAX_LINE),
                                new StringDecoder(StandardCharsets.UTF_8), new Asking(received));
                    }
                })
                .connect(new DomainSocketAddress(path.toString())).awaitUninterruptibly();
        if (!connect.isSuccess()) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new RelayStartException("cannot take over: no relay serves hand-overs at " + path + " ("
                    + Failures.describe(connect.cause()) + ")", connect.cause());
        }
        Channel channel = connect.channel();
        say(channel, HandoverProtocol.TAKEOVER + " " + ProcessHandle.current().pid());
        List<Integer> fds;
        try {
            fds = received.get(within.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException | InterruptedException e) {
            channel.close();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            String why = e instanceof ExecutionException ? e.getCause().getMessage()
                    : e instanceof TimeoutException ? "no answer within " + within.toMillis() + "ms" : "interrupted";
            throw new RelayStartException("cannot take over from the relay at " + path + ": " + why, e);
        }
        return new HandoverClient(group, channel, InheritedSockets.of(fds));
    }

    /** What the old process says, and the descriptors it passes. */
    private static final class Asking extends ChannelInboundHandlerAdapter {
        private final CompletableFuture<List<Integer>> received;
        private final List<Integer> fds = new ArrayList<>();
        private int expected = -1;

        Asking(CompletableFuture<List<Integer>> received) {
            this.received = received;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof FileDescriptor fd) {
                fds.add(fd.intValue());
                if (fds.size() == expected) {
                    received.complete(List.copyOf(fds));
                }
                return;
            }
            String[] words = String.valueOf(msg).trim().split(" ");
            if (words[0].equals(HandoverProtocol.BUSY)) {
                received.completeExceptionally(new IllegalStateException("another hand-over is under way"));
            } else if (words[0].equals(HandoverProtocol.SOCKETS) && words.length == 2) {
                expected = Integer.parseInt(words[1]);
                if (expected == 0) {
                    received.complete(List.of());
                    return;
                }
                // From now on the reads are descriptors (SCM_RIGHTS), not bytes.
                ctx.channel().config().setOption(EpollChannelOption.DOMAIN_SOCKET_READ_MODE,
                        DomainSocketReadMode.FILE_DESCRIPTORS);
                say(ctx.channel(), HandoverProtocol.SEND);
            } else {
                received.completeExceptionally(new IllegalStateException("unexpected answer: " + msg));
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            received.completeExceptionally(new IllegalStateException("the running relay closed the connection"));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            received.completeExceptionally(cause);
            ctx.close();
        }
    }

    private static ChannelFuture say(Channel channel, String line) {
        return channel.writeAndFlush(Unpooled.copiedBuffer(line + "\n", StandardCharsets.UTF_8));
    }

    /** The sockets handed over, for the routes to take. */
    public InheritedSockets sockets() {
        return sockets;
    }

    /** This process serves every socket now: the old one stops accepting, drains and exits. */
    public void ready() {
        say(channel, HandoverProtocol.READY).awaitUninterruptibly(5, TimeUnit.SECONDS);
        close();
    }

    /** This process will not serve (it failed to start): the old one serves on. */
    public void abandon() {
        close();
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
}
