package dev.relay.core;

import dev.relay.core.config.ServerConfig;
import dev.relay.core.handover.InheritedSockets;
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
 * @param onFatal      told, once and with one line of why, when the relay can no longer serve as configured: an
 *                     event loop stopped while it was running (an {@link Error} on that loop). The connections on
 *                     that loop hang and new ones given to it are never served, so a program should end the
 *                     process (the CLI halts with exit code 70, for its service manager to restart it);
 *                     {@link #DEFAULT} logs the line at ERROR and closes the relay
 * @param inherited    listening sockets passed to the process (systemd's socket activation), which routes take
 *                     instead of binding; {@link InheritedSockets#NONE} for none
 */
public record RelayHooks(
        Supplier<AddressResolverGroup<? extends SocketAddress>> resolver,
        Consumer<ConnectionSummary> onClosed,
        Supplier<ServerConfig> configSource,
        Consumer<String> onFatal,
        InheritedSockets inherited) {

    public static final RelayHooks DEFAULT = new RelayHooks(() -> null, summary -> { }, null, null,
            InheritedSockets.NONE);

    public RelayHooks {
        if (resolver == null || onClosed == null || inherited == null) {
            throw new IllegalArgumentException("resolver, onClosed and inherited are required (use RelayHooks.DEFAULT)");
        }
    }

    public RelayHooks withResolver(Supplier<AddressResolverGroup<? extends SocketAddress>> value) {
        return new RelayHooks(value, onClosed, configSource, onFatal, inherited);
    }

    public RelayHooks withOnClosed(Consumer<ConnectionSummary> value) {
        return new RelayHooks(resolver, value, configSource, onFatal, inherited);
    }

    public RelayHooks withConfigSource(Supplier<ServerConfig> value) {
        return new RelayHooks(resolver, onClosed, value, onFatal, inherited);
    }

    public RelayHooks withOnFatal(Consumer<String> value) {
        return new RelayHooks(resolver, onClosed, configSource, value, inherited);
    }

    public RelayHooks withInherited(InheritedSockets value) {
        return new RelayHooks(resolver, onClosed, configSource, onFatal, value);
    }
}
