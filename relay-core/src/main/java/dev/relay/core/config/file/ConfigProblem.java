package dev.relay.core.config.file;

/**
 * One thing wrong in a config file, where it is.
 *
 * @param file   the file as the user named it
 * @param line   1-based
 * @param column 1-based
 */
public record ConfigProblem(String file, int line, int column, String message) {

    /** {@code relay.yaml:12:7: message}, the form compilers use, so editors can jump to it. */
    @Override
    public String toString() {
        return file + ":" + line + ":" + column + ": " + message;
    }
}
