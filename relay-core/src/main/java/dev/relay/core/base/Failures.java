package dev.relay.core.base;

import io.netty.channel.ChannelException;
import io.netty.channel.socket.ChannelOutputShutdownException;

import java.util.regex.Pattern;

/** Turns exceptions into the short causes that log lines and error messages carry. */
public final class Failures {

    /**
     * The prefix Netty's native transports put before the OS's words: {@code bind(..) failed with error(-98): }, or
     * with the transport's name first, {@code io_uring accept(..) failed with error(-24): }.
     */
    private static final Pattern NATIVE_CALL =
            Pattern.compile("^(?:\\w+ )?\\w+\\(\\.\\.\\) failed(?: with error\\(-?\\d+\\))?: ");

    private Failures() {
    }

    /** The innermost message on one line, without the native call's name ({@code "connect(..) failed: "}). */
    public static String describe(Throwable failure) {
        if (failure == null) {
            return "unknown cause";
        }
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root && (root.getMessage() == null
                || root instanceof ChannelOutputShutdownException || root instanceof ChannelException)) {
            // Wrappers whose own words hide the cause: a failed write shuts the output with the write's error inside,
            // and a socket that cannot be made ("Unable to create Channel from class ...") has the OS's reason inside.
            root = root.getCause();
        }
        String message = root.getMessage();
        if (message == null || message.isBlank()) {
            return root.getClass().getSimpleName();
        }
        String line = message.lines().findFirst().orElse(message).strip();
        return NATIVE_CALL.matcher(line).replaceFirst("");
    }

    /**
     * Why a TLS handshake failed, in the words of the check that failed: the trust manager's ("No subject
     * alternative DNS name matching x found", "unable to find valid certification path to requested target",
     * "NotAfter: ..."), not the engine's wrapper ("General OpenSslEngine problem").
     */
    public static String describeTls(Throwable failure) {
        Throwable deepest = null;
        for (Throwable t = failure; t != null && t != deepest; t = t.getCause()) {
            if (t instanceof java.security.cert.CertificateExpiredException) {
                return "the certificate has expired (" + t.getMessage() + ")";
            }
            if (t instanceof java.security.cert.CertificateNotYetValidException) {
                return "the certificate is not valid yet (" + t.getMessage() + ")";
            }
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                deepest = t;
            }
        }
        return describe(deepest == null ? failure : deepest);
    }

    /** Whether {@code failure} (or a cause of it) is the process or the system running out of descriptors. */
    public static boolean isOutOfDescriptors(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains("Too many open files")) {
                return true;
            }
        }
        return false;
    }
}
