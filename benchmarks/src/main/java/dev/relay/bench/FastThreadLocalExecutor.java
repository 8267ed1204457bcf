package dev.relay.bench;

import io.netty.util.concurrent.DefaultThreadFactory;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Runs JMH's benchmark threads as Netty {@code FastThreadLocalThread}s, as Netty's event loops are. Netty 4.2 pools
 * its recycled objects (outbound-buffer entries, derived buffers) only on such threads, so a handler measured on
 * an ordinary thread would allocate where it does not on an event loop. Chosen per benchmark with
 * {@code -Djmh.executor=CUSTOM -Djmh.executor.class=dev.relay.bench.FastThreadLocalExecutor}.
 */
public final class FastThreadLocalExecutor extends ThreadPoolExecutor {

    /** The constructor JMH's custom executor calls. */
    public FastThreadLocalExecutor(int maxThreads, String prefix) {
        super(maxThreads, maxThreads, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                new DefaultThreadFactory(prefix, true));
    }
}
