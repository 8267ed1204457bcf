package dev.relay.cli;

/** A command that could not do its job; the message is the one line the user sees. */
final class RuntimeFailure extends RuntimeException {
    RuntimeFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
