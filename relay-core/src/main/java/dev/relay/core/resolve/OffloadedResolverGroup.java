package dev.relay.core.resolve;

import io.netty.resolver.AddressResolver;
import io.netty.resolver.AddressResolverGroup;
import io.netty.resolver.InetNameResolver;
import io.netty.resolver.InetSocketAddressResolver;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Promise;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Resolves hostnames with the JDK's resolver (so /etc/hosts and nsswitch apply as everywhere else on the host),
 * but on a small pool of its own: a slow DNS server delays one connect, never an event loop. The result is
 * handed back on the event loop that asked.
 */
public final class OffloadedResolverGroup extends AddressResolverGroup<InetSocketAddress> {

    private static final int LOOKUP_THREADS = 2;

    private final ExecutorService lookups;

    public OffloadedResolverGroup() {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(LOOKUP_THREADS, LOOKUP_THREADS, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), new DefaultThreadFactory("relay-dns", true));
        pool.allowCoreThreadTimeOut(true);
        this.lookups = pool;
    }

    @Override
    protected AddressResolver<InetSocketAddress> newResolver(EventExecutor executor) {
        return new InetSocketAddressResolver(executor, new OffloadedNameResolver(executor));
    }

    @Override
    public void close() {
        super.close();
        lookups.shutdownNow();
    }

    private final class OffloadedNameResolver extends InetNameResolver {
        OffloadedNameResolver(EventExecutor executor) {
            super(executor);
        }

        @Override
        protected void doResolve(String host, Promise<InetAddress> promise) {
            offload(promise, () -> InetAddress.getByName(host));
        }

        @Override
        protected void doResolveAll(String host, Promise<List<InetAddress>> promise) {
            offload(promise, () -> Arrays.asList(InetAddress.getAllByName(host)));
        }
    }

    private <T> void offload(Promise<T> promise, Callable<T> lookup) {
        try {
            lookups.execute(() -> {
                try {
                    promise.trySuccess(lookup.call());
                } catch (Exception e) {
                    promise.tryFailure(e);
                }
            });
        } catch (RejectedExecutionException stopped) {
            promise.tryFailure(stopped);
        }
    }
}
