package dev.relay.core.resolve;

import io.netty.resolver.AddressResolver;
import io.netty.resolver.AddressResolverGroup;
import io.netty.util.concurrent.EventExecutor;

import java.net.InetSocketAddress;
import java.util.function.Supplier;

/**
 * A resolver group built the first time it is needed. Netty's DNS client costs ~80 ms of class loading and
 * reads /etc/resolv.conf; a relay whose upstreams are all IP addresses never needs it, so it does not pay that
 * at start. The server builds it up front ({@link #build()}, off the event loops) as soon as a route names a
 * hostname, so an event loop only builds it if that was missed.
 */
public final class LazyResolverGroup extends AddressResolverGroup<InetSocketAddress> {

    private final Supplier<AddressResolverGroup<InetSocketAddress>> factory;
    private AddressResolverGroup<InetSocketAddress> built;
    private boolean closed;

    public LazyResolverGroup(Supplier<AddressResolverGroup<InetSocketAddress>> factory) {
        this.factory = factory;
    }

    /** Builds the real group now, if it is not built yet. */
    public synchronized AddressResolverGroup<InetSocketAddress> build() {
        if (closed) {
            throw new IllegalStateException("the resolver is closed");
        }
        if (built == null) {
            built = factory.get();
        }
        return built;
    }

    /** Whether the real group was built (for tests). */
    public synchronized boolean isBuilt() {
        return built != null;
    }

    @Override
    protected AddressResolver<InetSocketAddress> newResolver(EventExecutor executor) {
        return build().getResolver(executor);
    }

    @Override
    public void close() {
        super.close();
        AddressResolverGroup<InetSocketAddress> group;
        synchronized (this) {
            closed = true;
            group = built;
        }
        if (group != null) {
            group.close();
        }
    }
}
