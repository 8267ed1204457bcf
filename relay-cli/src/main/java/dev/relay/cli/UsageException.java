package dev.relay.cli;

/** A flag or argument the user must fix; the message names it and says what was expected. */
final class UsageException extends RuntimeException {
    UsageException(String message) {
        super(message);
    }
}
