package dev.relay.core.transport;

import dev.relay.core.config.TransportKind;
/** A transport asked for by name that this host cannot load; the message names the cause. */
public final class TransportUnavailableException extends RuntimeException {
    public TransportUnavailableException(TransportKind kind, Throwable cause) {
        super("transport " + kind + " is not available here: " + describe(cause), cause);
    }

    private static String describe(Throwable cause) {
        if (cause == null) {
            return "unknown cause";
        }
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return message == null || message.isBlank() ? root.getClass().getSimpleName() : message.lines().findFirst().orElse(message);
    }
}
