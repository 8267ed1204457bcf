package dev.relay.core.tools;

import dev.relay.core.config.ConfigException;
import dev.relay.core.config.Endpoint;
import dev.relay.core.config.TransportKind;

/**
 * The test server's settings.
 *
 * @param listen    where to accept clients
 * @param reply     null to echo every byte back; otherwise this text is sent once, after the first bytes arrive
 * @param transport the I/O transport
 */
public record EchoConfig(Endpoint listen, String reply, TransportKind transport) {
    public EchoConfig {
        if (listen == null) {
            throw new ConfigException("listen: missing (expected: an address)");
        }
        if (transport == null) {
            throw new ConfigException("transport: missing");
        }
    }
}
