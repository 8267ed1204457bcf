package dev.relay.core.proxy.splice;

import io.netty.channel.unix.FileDescriptor;
import io.netty.util.concurrent.FastThreadLocal;

import java.io.IOException;
import java.util.ArrayDeque;

/**
 * The splice path's pipes, kept per event loop and lent to a direction only while bytes wait in it. An idle
 * spliced connection so holds no pipe and costs two file descriptors like any other connection, not six, and a
 * new connection does not pay for pipe(2) and two close(2)s. Used on its event loop's thread only.
 */
final class SplicePipes {

    /** Empty pipes one loop keeps for the next direction that needs one; one given back past this is closed. */
    static final int KEPT_PER_LOOP = 64;

    private static final FastThreadLocal<ArrayDeque<FileDescriptor[]>> IDLE = new FastThreadLocal<>() {
        @Override
        protected ArrayDeque<FileDescriptor[]> initialValue() {
            return new ArrayDeque<>();
        }

        @Override
        protected void onRemoval(ArrayDeque<FileDescriptor[]> pipes) {
            // The loop's thread is ending: its kept pipes go with it.
            for (FileDescriptor[] pipe; (pipe = pipes.poll()) != null; ) {
                close(pipe);
            }
        }
    };

    private SplicePipes() {
    }

    /** An empty pipe, [read end, write end]: a kept one, or a new one. */
    static FileDescriptor[] take() throws IOException {
        FileDescriptor[] pipe = IDLE.get().poll();
        return pipe != null ? pipe : SpliceNative.pipe();
    }

    /** Takes back a pipe that holds nothing. */
    static void giveBack(FileDescriptor[] pipe) {
        ArrayDeque<FileDescriptor[]> idle = IDLE.get();
        if (idle.size() < KEPT_PER_LOOP) {
            idle.push(pipe);
        } else {
            close(pipe);
        }
    }

    /** Closes a pipe that may still hold bytes (a direction that failed): it is never lent again. */
    static void close(FileDescriptor[] pipe) {
        for (FileDescriptor end : pipe) {
            try {
                end.close();
            } catch (IOException ignored) {
                // A pipe end that cannot close has nothing left to lose.
            }
        }
    }
}
