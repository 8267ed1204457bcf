package dev.relay.core;

import dev.relay.core.config.ServerConfig;
import dev.relay.core.proxy.ConnectionSummary;
import io.netty.resolver.AddressResolverGroup;

import java.net.SocketAddress;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * What an embedding program may plug into a relay: how upstream names are resolved, who hears of each finished
 * connection, and where a reload reads the config from.
 *
 * @param resolver     called once per relay start; the relay closes what it returns when it stops. When it
 *                     returns null (as {@link #DEFAULT} does), the relay uses its own asynchronous DNS resolver,
 *                     set up by the config's {@code dns} section
 * @param onClosed     told of every finished connection, on that connection's event loop: it must not block
 * @param configSource reads the config again for {@link RelayServer#reloadFromSource()} (SIGHUP, the admin API's
 *                     reload); it throws when the config is invalid. Null when the relay has no source to reload
 */
public record RelayHooks(
        Supplier<AddressResolverGroup<? extends SocketAddress>> resolver,
        Consumer<ConnectionSummary> onClosed,
        Supplier<ServerConfig> configSource) {

    public static final RelayHooks DEFAULT = new RelayHooks(() -> null, summary -> { }, null);

    public RelayHooks {
        if (resolver == null || onClosed == null) {
            throw new IllegalArgumentException("resolver and onClosed are required (use RelayHooks.DEFAULT)");
        }
    }

    public RelayHooks withResolver(Supplier<AddressResolverGroup<? extends SocketAddress>> value) {
        return new RelayHooks(value, onClosed, configSource);
    }

    public RelayHooks withOnClosed(Consumer<ConnectionSummary> value) {
        return new RelayHooks(resolver, value, configSource);
    }

    public RelayHooks withConfigSource(Supplier<ServerConfig> value) {
        return new RelayHooks(resolver, onClosed, value);
    }
}
