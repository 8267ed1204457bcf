package dev.relay.core.proxy;

import dev.relay.core.base.Direction;

import dev.relay.core.config.Endpoint;
import dev.relay.core.config.RouteConfig;
import dev.relay.core.metrics.RelayCounters;
import dev.relay.core.upstream.Upstream;
import dev.relay.core.upstream.UpstreamPool;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The relay handler's hot path alone: one chunk read on the client's channel, written to the upstream's and
 * flushed at the end of the read, on two {@link EmbeddedChannel}s, so the score is the handler's and Netty's
 * pipeline's work without sockets or system calls. {@code bareForward} is the least a forwarding handler does
 * (write to the peer, flush when the read ends); {@code relayHandler} minus {@code bareForward} is what relay adds
 * per chunk: the byte counts, the idle clock, the peak of buffered bytes and the writability check. JMH's threads
 * are Netty's {@code FastThreadLocalThread}s here ({@link dev.relay.bench.FastThreadLocalExecutor}), as an event
 * loop's are, so with {@code -prof gc} the allocation per chunk reads as it would in a running relay.
 *
 * <p>In relay-core's package because the handler and its connection are package-private there.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms256m", "-Xmx256m",
        // Event-loop threads, so that Netty's recycled objects are pooled as they are in a running relay.
        "-Djmh.executor=CUSTOM", "-Djmh.executor.class=dev.relay.bench.FastThreadLocalExecutor"})
@State(Scope.Thread)
public class RelayHandlerBenchmark {

    @Param({"64", "16384"})
    public int chunkBytes;

    private EmbeddedChannel relayClient;
    private EmbeddedChannel relayUpstream;
    private EmbeddedChannel bareClient;
    private EmbeddedChannel bareUpstream;
    private ByteBuf chunk;

    @Setup
    public void pairs() {
        relayClient = new EmbeddedChannel();
        relayUpstream = new EmbeddedChannel();
        RelayConnection connection = new RelayConnection(1, "bench", relayClient, null, new RelayCounters(),
                new ConnectionOwner() {
                    @Override
                    public void clientClosed(RelayConnection closed) {
                    }

                    @Override
                    public void finished(RelayConnection closed, ConnectionSummary summary) {
                    }
                });
        Upstream upstream = UpstreamPool.create(RouteConfig.builder("bench")
                .listen(Endpoint.parse("127.0.0.1:0")).upstream(Endpoint.parse("127.0.0.1:9")).build())
                .members().get(0);
        upstream.dialing();
        connection.upstreamDialed(relayUpstream, upstream);
        connection.upstreamConnected();
        relayClient.pipeline().addLast(new RelayHandler(relayUpstream, Direction.UPSTREAM, connection));
        relayUpstream.pipeline().addLast(new RelayHandler(relayClient, Direction.DOWNSTREAM, connection));

        bareClient = new EmbeddedChannel();
        bareUpstream = new EmbeddedChannel();
        bareClient.pipeline().addLast(new BareForward(bareUpstream));

        chunk = PooledByteBufAllocator.DEFAULT.directBuffer(chunkBytes).writeZero(chunkBytes);
    }

    @Benchmark
    public int relayHandler() {
        return relayOneChunk(relayClient, relayUpstream);
    }

    @Benchmark
    public int bareForward() {
        return relayOneChunk(bareClient, bareUpstream);
    }

    /** One read of one chunk, as a transport delivers it: the read, then the end of the read batch. */
    private int relayOneChunk(EmbeddedChannel source, EmbeddedChannel destination) {
        source.pipeline().fireChannelRead(chunk.retainedDuplicate());
        source.pipeline().fireChannelReadComplete();
        ByteBuf written = destination.readOutbound();
        int bytes = written.readableBytes();
        written.release();
        return bytes;
    }

    @TearDown
    public void release() {
        relayClient.finishAndReleaseAll();
        relayUpstream.finishAndReleaseAll();
        bareClient.finishAndReleaseAll();
        bareUpstream.finishAndReleaseAll();
        chunk.release();
    }

    /** Writes each read to its peer and flushes when the read batch ends; nothing else. */
    private static final class BareForward extends ChannelInboundHandlerAdapter {

        private final Channel peer;

        BareForward(Channel peer) {
            this.peer = peer;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            peer.write(msg, peer.voidPromise());
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            peer.flush();
        }
    }
}
