package dev.relay.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * One stream of bulk data from a client to a discarding server, straight or through relay. One operation is one
 * MiB written, so the score in ops/s reads as MiB/s. The writes block once the pipe is full, so the score is what
 * the slowest stage (relay, when it is in the path) sustains.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@State(Scope.Benchmark)
public class BulkThroughputBenchmark {

    private static final int MIB = 1024 * 1024;

    @Param({"direct", "relay-nio", "relay-epoll", "relay-epoll+nosplice", "relay-io_uring"})
    public String path;

    private Sink sink;
    private Path through;
    private SocketChannel client;
    private ByteBuffer chunk;

    @Setup(Level.Trial)
    public void start() throws IOException {
        sink = new Sink();
        through = Path.open(path, sink.address());
        client = SocketChannel.open(through.address());
        byte[] bytes = new byte[MIB];
        ThreadLocalRandom.current().nextBytes(bytes);
        chunk = ByteBuffer.allocateDirect(MIB).put(bytes).flip();
    }

    @Benchmark
    public int writeOneMebibyte() throws IOException {
        ByteBuffer buffer = chunk.duplicate();
        int written = 0;
        while (buffer.hasRemaining()) {
            written += client.write(buffer);
        }
        return written;
    }

    @TearDown(Level.Trial)
    public void stop() throws IOException {
        client.close();
        through.close();
        sink.close();
    }
}
