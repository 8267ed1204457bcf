package dev.relay.bench;

import dev.relay.core.config.Endpoint;
import dev.relay.core.tools.EchoConfig;
import dev.relay.core.tools.EchoServer;
import dev.relay.core.config.TransportKind;
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

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;

/**
 * Request/response latency: 64 bytes to an echo server and 64 bytes back, straight or through relay. Sampled, so
 * JMH prints percentiles (p50, p99, ...) of one round trip.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@State(Scope.Benchmark)
public class PingPongBenchmark {

    private static final int MESSAGE_BYTES = 64;

    @Param({"direct", "relay-nio", "relay-epoll", "relay-epoll+nosplice", "relay-io_uring"})
    public String path;

    private EchoServer echo;
    private Path through;
    private SocketChannel client;
    private final ByteBuffer request = ByteBuffer.allocateDirect(MESSAGE_BYTES);
    private final ByteBuffer response = ByteBuffer.allocateDirect(MESSAGE_BYTES);

    @Setup(Level.Trial)
    public void start() throws IOException {
        echo = EchoServer.start(new EchoConfig(Endpoint.parse("127.0.0.1:0"), null, TransportKind.NIO));
        through = Path.open(path, (InetSocketAddress) echo.localAddress());
        client = SocketChannel.open(through.address());
        client.socket().setTcpNoDelay(true);
        while (request.hasRemaining()) {
            request.put((byte) 'x');
        }
    }

    @Benchmark
    public ByteBuffer roundTrip() throws IOException {
        request.clear();
        while (request.hasRemaining()) {
            client.write(request);
        }
        response.clear();
        while (response.hasRemaining()) {
            if (client.read(response) < 0) {
                throw new EOFException("the echo server closed");
            }
        }
        return response;
    }

    @TearDown(Level.Trial)
    public void stop() throws IOException {
        client.close();
        through.close();
        echo.close();
    }
}
