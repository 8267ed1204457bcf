package dev.relay.core.upstream;

import dev.relay.core.config.EnumLabels;
import io.netty.channel.ConnectTimeoutException;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.util.Locale;

/** Why a connect to an upstream failed, as metrics label it. */
public enum ConnectFailure {
    REFUSED, TIMEOUT, UNRESOLVED, OTHER;

    public String label() {
        return EnumLabels.label(this);
    }

    public static ConnectFailure of(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConnectTimeoutException) {
                return TIMEOUT;
            }
            if (t instanceof UnknownHostException) {
                return UNRESOLVED;
            }
            if (t instanceof ConnectException) {
                // Netty's native transports say "finishConnect(..) failed: Connection refused"; the JDK "Connection refused".
                String message = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
                return message.contains("refused") ? REFUSED : OTHER;
            }
        }
        return OTHER;
    }
}
