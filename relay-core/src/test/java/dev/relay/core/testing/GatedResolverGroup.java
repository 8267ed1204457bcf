package dev.relay.core.testing;

import io.netty.resolver.AddressResolver;
import io.netty.resolver.AddressResolverGroup;
import io.netty.resolver.InetNameResolver;
import io.netty.resolver.InetSocketAddressResolver;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Promise;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Resolves every name to 127.0.0.1, but only once the test opens the gate: a connect held at the resolve step. */
public final class GatedResolverGroup extends AddressResolverGroup<InetSocketAddress> {

    private final CompletableFuture<Void> gate = new CompletableFuture<>();
    private final CompletableFuture<Void> asked = new CompletableFuture<>();

    public void open() {
        gate.complete(null);
    }

    /** Completes when the relay first asks for a name. */
    public CompletableFuture<Void> asked() {
        return asked;
    }

    @Override
    protected AddressResolver<InetSocketAddress> newResolver(EventExecutor executor) {
        return new InetSocketAddressResolver(executor, new InetNameResolver(executor) {
            @Override
            protected void doResolve(String host, Promise<InetAddress> promise) {
                asked.complete(null);
                gate.thenRun(() -> promise.trySuccess(InetAddress.getLoopbackAddress()));
            }

            @Override
            protected void doResolveAll(String host, Promise<List<InetAddress>> promise) {
                asked.complete(null);
                gate.thenRun(() -> promise.trySuccess(List.of(InetAddress.getLoopbackAddress())));
            }
        });
    }
}
