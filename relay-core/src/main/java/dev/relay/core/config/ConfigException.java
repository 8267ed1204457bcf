package dev.relay.core.config;

/** A configuration value that cannot be used; the message is one line, fit to show a user as it is. */
public final class ConfigException extends IllegalArgumentException {
    public ConfigException(String message) {
        super(message);
    }
}
