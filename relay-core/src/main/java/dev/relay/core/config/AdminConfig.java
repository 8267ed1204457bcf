package dev.relay.core.config;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;

/**
 * The admin listener: metrics, the JSON API and the status page. Off unless a listen address is given.
 *
 * @param listen    where it listens, or null when off
 * @param tokenFile a file holding the bearer token every request must carry; required when {@code listen} is
 *                  not a loopback address, so the API is never open to a network by accident
 */
public record AdminConfig(Endpoint listen, Path tokenFile) {

    public static final AdminConfig OFF = new AdminConfig(null, null);

    public AdminConfig {
        if (listen instanceof Endpoint.Inet inet) {
            Checks.require(tokenFile != null || isLoopback(inet), "admin.listen: " + listen
                    + " is not a loopback address, so admin.token_file is required");
        }
    }

    public boolean enabled() {
        return listen != null;
    }

    private static boolean isLoopback(Endpoint.Inet inet) {
        if (inet.isWildcard()) {
            return false;
        }
        InetSocketAddress address = (InetSocketAddress) inet.toSocketAddress();
        InetAddress ip = address.getAddress();
        // A hostname counts as loopback only when it is "localhost"; anything else may resolve elsewhere.
        return ip != null ? ip.isLoopbackAddress() : inet.host().equals("localhost");
    }
}
