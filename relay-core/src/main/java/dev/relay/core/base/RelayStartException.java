package dev.relay.core.base;

import java.util.Locale;

/**
 * A relay (or one of its listeners) that could not start; the message is one line, e.g.
 * {@code cannot listen on 127.0.0.1:8928: address already in use}.
 */
public final class RelayStartException extends RuntimeException {
    public RelayStartException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The one way every relay server words a listener that could not be bound. */
    public static RelayStartException cannotListen(Object listen, Throwable cause) {
        String why = Failures.describe(cause);
        why = why.isEmpty() ? why : why.substring(0, 1).toLowerCase(Locale.ROOT) + why.substring(1);
        return new RelayStartException("cannot listen on " + listen + ": " + why, cause);
    }
}
