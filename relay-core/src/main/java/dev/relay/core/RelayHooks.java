package dev.relay.core;

import dev.relay.core.proxy.ConnectionSummary;
import io.netty.resolver.AddressResolverGroup;

import java.net.SocketAddress;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * What an embedding program may plug into a relay: how upstream names are resolved, and who hears of each
 * finished connection.
 *
 * @param resolver called once per relay start; the relay closes what it returns when it stops. When it returns
 *                 null (as {@link #DEFAULT} does), the relay uses its own asynchronous DNS resolver, set up by
 *                 the config's {@code dns} section
 * @param onClosed told of every finished connection, on that connection's event loop: it must not block
 */
public record RelayHooks(
        Supplier<AddressResolverGroup<? extends SocketAddress>> resolver,
        Consumer<ConnectionSummary> onClosed) {

    public static final RelayHooks DEFAULT = new RelayHooks(() -> null, summary -> { });

    public RelayHooks {
        if (resolver == null || onClosed == null) {
            throw new IllegalArgumentException("resolver and onClosed are required (use RelayHooks.DEFAULT)");
        }
    }

    public RelayHooks withResolver(Supplier<AddressResolverGroup<? extends SocketAddress>> value) {
        return new RelayHooks(value, onClosed);
    }

    public RelayHooks withOnClosed(Consumer<ConnectionSummary> value) {
        return new RelayHooks(resolver, value);
    }
}
