package dev.relay.core.proxy;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.channel.socket.DuplexChannelConfig;
import io.netty.channel.unix.Socket;
import io.netty.channel.unix.UnixChannel;

import java.io.IOException;

/** The three ways relay ends a side of a connection: FIN after pending data, close after pending data, reset. */
final class Channels {

    private Channels() {
    }

    /**
     * Sends a FIN once every byte written before it has gone out. On a TLS side, TLS's own end of stream
     * (close_notify) goes first: without it, a strict TLS peer takes the FIN for a truncation attack.
     */
    static ChannelFuture shutdownOutputAfterFlush(Channel channel) {
        ChannelPromise done = channel.newPromise();
        SslHandler tls = channel.pipeline().get(SslHandler.class);
        ChannelFuture written = channel.writeAndFlush(Unpooled.EMPTY_BUFFER);
        if (tls != null) {
            // After the bytes before it are encrypted and out: a closed engine would encrypt nothing more.
            ChannelPromise notified = channel.newPromise();
            written.addListener(f -> {
                if (f.isSuccess()) {
                    tls.closeOutbound(notified);
                } else {
                    notified.tryFailure(f.cause());
                }
            });
            written = notified;
        }
        written.addListener(flushed -> {
            if (!flushed.isSuccess()) {
                done.tryFailure(flushed.cause());
            } else if (!(channel instanceof DuplexChannel duplex) || !channel.isActive()) {
                channel.close(done);
            } else if (channel instanceof UnixChannel unix && unix.fd() instanceof Socket socket) {
                shutdownSocketOutput(socket, done);
            } else {
                duplex.shutdownOutput(done);
            }
        });
        return done;
    }

    /**
     * Whether {@code channel}'s end of stream only shuts its input ({@code true}: half-close, the route's setting for
     * TCP) or closes it ({@code false}). Relay turns half-close off once it has shut the channel's output: its FIN is
     * then the end of it, and Netty closes it there instead of shutting an input whose socket both FINs have passed
     * (a system call that fails, with an exception built for it). Every duplex channel's config has the setting;
     * only the transports that honour it act on it ({@link dev.relay.core.transport.Transport#halfClosesUnixSockets}).
     */
    static void halfCloseOnFin(Channel channel, boolean on) {
        if (channel.config() instanceof DuplexChannelConfig duplex) {
            duplex.setAllowHalfClosure(on);
        }
    }

    /**
     * Shuts a native channel's socket for writing, as the channel's own shutdownOutput would. Called only once
     * everything written has gone out, so there are no writes left for Netty's version to fail, and the exception
     * with a full stack trace it builds for that on every call is not needed (filling in such traces was 13% of
     * relay's user time in the connection-rate test, two of its three exceptions per connection this one; see
     * docs/performance.md). The channel sees the shutdown: its isOutputShutdown reads the socket's state.
     */
    private static void shutdownSocketOutput(Socket socket, ChannelPromise done) {
        try {
            socket.shutdown(false, true);
            done.setSuccess();
        } catch (IOException | RuntimeException e) {
            done.tryFailure(e);
        }
    }

    /** Closes once every byte written before has gone out. */
    static void closeOnFlush(Channel channel) {
        // After a shutdown of its output a channel holds nothing to flush, and a write would only fail.
        if (channel.isActive() && !(channel instanceof DuplexChannel duplex && duplex.isOutputShutdown())) {
            channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        } else {
            channel.close();
        }
    }

    /** Closes with SO_LINGER 0, so the peer sees a reset, as the other side of the relay did. */
    static void reset(Channel channel) {
        try {
            // Unix domain sockets have no SO_LINGER: setOption says false and they simply close.
            channel.config().setOption(ChannelOption.SO_LINGER, 0);
        } catch (ChannelException alreadyClosed) {
            // The socket is gone already; there is nothing left to reset.
        }
        channel.close();
    }

    /** Bytes written to {@code channel} that the kernel has not taken yet. */
    static long pendingWriteBytes(Channel channel) {
        ChannelOutboundBuffer buffer = channel.unsafe().outboundBuffer();
        return buffer == null ? 0 : buffer.totalPendingWriteBytes();
    }
}
