package dev.relay.core.proxy;

/** Turns exceptions into the short causes that log lines and error messages carry. */
public final class Failures {

    private Failures() {
    }

    /** The innermost message on one line, without the native call's name ({@code "connect(..) failed: "}). */
    public static String describe(Throwable failure) {
        if (failure == null) {
            return "unknown cause";
        }
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root && root.getMessage() == null) {
            root = root.getCause();
        }
        String message = root.getMessage();
        if (message == null || message.isBlank()) {
            return root.getClass().getSimpleName();
        }
        String line = message.lines().findFirst().orElse(message).strip();
        int nativeCall = line.indexOf("(..) failed: ");
        return nativeCall >= 0 ? line.substring(nativeCall + "(..) failed: ".length()) : line;
    }
}
