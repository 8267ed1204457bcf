package dev.relay.core.proxy.splice;

import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.epoll.Native;
import io.netty.channel.unix.Errors;
import io.netty.channel.unix.FileDescriptor;
import io.netty.channel.unix.Socket;
import io.netty.channel.unix.UnixChannel;

import java.io.IOException;

/**
 * The system calls the splice path needs, through Netty's epoll natives: the only place relay reaches below the
 * channel API, so another implementation (a later Netty's, or relay's own) can replace it here alone.
 */
public final class SpliceNative {

    private SpliceNative() {
    }

    /** Whether {@code channel} is a TCP socket of the epoll transport, the only kind the splice path takes. */
    public static boolean supports(Channel channel) {
        return channel instanceof EpollSocketChannel;
    }

    static Socket socketOf(Channel channel) {
        return (Socket) ((UnixChannel) channel).fd();
    }

    /** A non-blocking pipe: [read end, write end]. */
    static FileDescriptor[] pipe() throws IOException {
        return FileDescriptor.pipe();
    }

    /**
     * Moves up to {@code length} bytes from {@code from} to {@code to} inside the kernel. Returns 0 both when
     * nothing can move now and at the end of the stream: the caller tells them apart.
     */
    static int splice(FileDescriptor from, FileDescriptor to, int length) throws IOException {
        return Native.splice(from.intValue(), -1, to.intValue(), -1, length);
    }

    /** The socket's pending error as an exception, or null when it has none. */
    static IOException pendingError(Socket socket) throws IOException {
        int error = socket.getSoError();
        return error == 0 ? null : Errors.newIOException("socket", -Math.abs(error));
    }
}
