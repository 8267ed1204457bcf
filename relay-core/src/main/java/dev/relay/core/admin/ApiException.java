package dev.relay.core.admin;

import io.netty.handler.codec.http.HttpResponseStatus;

import java.util.List;

/** A request the API turns down: its status and the one-line reason it answers with, as JSON. */
final class ApiException extends RuntimeException {

    private final HttpResponseStatus status;
    private final List<String> problems;

    ApiException(HttpResponseStatus status, String message) {
        this(status, message, List.of());
    }

    ApiException(HttpResponseStatus status, String message, List<String> problems) {
        super(message, null, false, false);
        this.status = status;
        this.problems = List.copyOf(problems);
    }

    HttpResponseStatus status() {
        return status;
    }

    List<String> problems() {
        return problems;
    }
}
