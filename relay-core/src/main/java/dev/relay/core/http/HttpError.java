package dev.relay.core.http;

import java.util.List;

/** A request an API turns down: its status, the one-line reason, and for an invalid config its problems. */
public final class HttpError extends RuntimeException {

    private final int status;
    private final List<String> problems;

    public HttpError(int status, String message) {
        this(status, message, List.of());
    }

    public HttpError(int status, String message, List<String> problems) {
        super(message, null, false, false);
        this.status = status;
        this.problems = List.copyOf(problems);
    }

    public int status() {
        return status;
    }

    public List<String> problems() {
        return problems;
    }
}
