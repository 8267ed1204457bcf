package dev.relay.core.toxiproxy;

/** A request the Toxiproxy API refuses: the status and Toxiproxy's words, answered as {@code {"error", "status"}}. */
final class ToxiproxyError extends RuntimeException {

    final int status;

    ToxiproxyError(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }
}
