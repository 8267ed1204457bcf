package dev.relay.core.resolve;

import io.netty.resolver.AddressResolver;
import io.netty.resolver.AddressResolverGroup;
import io.netty.resolver.DefaultNameResolver;
import io.netty.util.concurrent.DefaultEventExecutor;
import io.netty.util.concurrent.EventExecutor;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The DNS client is built once, on first need, and closed with the group. */
class LazyResolverGroupTest {

    @Test
    void buildsOnFirstNeedOnlyAndClosesWhatItBuilt() throws Exception {
        AtomicInteger builds = new AtomicInteger();
        AtomicInteger closes = new AtomicInteger();
        LazyResolverGroup group = new LazyResolverGroup(() -> {
            builds.incrementAndGet();
            return plainGroup(closes);
        });
        EventExecutor executor = new DefaultEventExecutor();
        try {
            assertFalse(group.isBuilt(), "nothing is built before it is needed");
            group.getResolver(executor);
            group.getResolver(executor);
            group.build();
            assertEquals(1, builds.get());
        } finally {
            group.close();
            executor.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
        assertEquals(1, closes.get(), "the built group closes with the lazy one");
        assertThrows(IllegalStateException.class, group::build, "a closed group builds nothing more");
    }

    @Test
    void aGroupNeverNeededNeverBuilds() {
        AtomicInteger builds = new AtomicInteger();
        LazyResolverGroup group = new LazyResolverGroup(() -> {
            builds.incrementAndGet();
            return plainGroup(new AtomicInteger());
        });
        group.close();
        assertEquals(0, builds.get());
        assertTrue(!group.isBuilt());
    }

    /** The JDK's resolver, as a group that counts its closes. */
    private static AddressResolverGroup<InetSocketAddress> plainGroup(AtomicInteger closes) {
        return new AddressResolverGroup<>() {
            @Override
            protected AddressResolver<InetSocketAddress> newResolver(EventExecutor executor) {
                return new DefaultNameResolver(executor).asAddressResolver();
            }

            @Override
            public void close() {
                closes.incrementAndGet();
                super.close();
            }
        };
    }
}
