package dev.relay.core.config.file;

/**
 * One thing wrong in a config file, where it is.
 *
 * @param file   the file as the user named it
 * @param line   1-based; 0 when the problem is the file as a whole (missing, unreadable, too large)
 * @param column 1-based; 0 with line 0
 */
public record ConfigProblem(String file, int line, int column, String message) {

    /** A problem with the file as a whole, which has no place in it. */
    public static ConfigProblem ofFile(String file, String message) {
        return new ConfigProblem(file, 0, 0, message);
    }

    /**
     * {@code relay.yaml:12:7: message}, the form compilers use, so editors can jump to it; {@code relay.yaml:
     * message} for the file as a whole.
     */
    @Override
    public String toString() {
        return line == 0 ? file + ": " + message : file + ":" + line + ":" + column + ": " + message;
    }
}
