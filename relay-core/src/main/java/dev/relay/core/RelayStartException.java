package dev.relay.core;

/** A relay that could not start; the message is one line, e.g. {@code cannot listen on 127.0.0.1:8928: address already in use}. */
public final class RelayStartException extends RuntimeException {
    public RelayStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
