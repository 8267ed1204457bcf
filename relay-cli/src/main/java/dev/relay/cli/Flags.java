package dev.relay.cli;

import dev.relay.core.config.ConfigException;
import dev.relay.core.config.Durations;
import dev.relay.core.config.Endpoint;
import dev.relay.core.config.UnixSocketMode;
import dev.relay.core.config.TransportKind;

import java.time.Duration;

/** Turns flag values into the core's types, naming the flag when a value is wrong. */
final class Flags {

    private Flags() {
    }

    static Endpoint endpoint(String flag, String value) {
        try {
            return Endpoint.parse(value);
        } catch (ConfigException e) {
            throw new UsageException(flag + ": " + e.getMessage());
        }
    }

    static Duration duration(String flag, String value) {
        try {
            return Durations.parse(value);
        } catch (ConfigException e) {
            throw new UsageException(flag + ": " + e.getMessage());
        }
    }

    static UnixSocketMode unixSocketMode(String value) {
        try {
            return UnixSocketMode.parse(value);
        } catch (ConfigException e) {
            throw new UsageException("--unix-socket-mode: " + e.getMessage());
        }
    }

    static TransportKind transport(String value) {
        try {
            return TransportKind.parse(value);
        } catch (ConfigException e) {
            throw new UsageException("--transport: " + e.getMessage());
        }
    }
}
