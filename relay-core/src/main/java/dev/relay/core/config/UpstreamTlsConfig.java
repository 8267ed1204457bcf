package dev.relay.core.config;

import java.nio.file.Path;

/**
 * TLS to a route's upstreams. The upstream's certificate is verified against {@code caFile} (or the JDK's trust
 * store when none is given) and its name against {@code serverName} (or the upstream's host); SNI carries the same
 * name. Turning verification off takes {@code insecureSkipVerify}, named so that nobody sets it by accident.
 *
 * @param enabled            originate TLS
 * @param caFile             PEM certificates to trust instead of the JDK's trust store; null for the trust store
 * @param serverName         the name to send as SNI and to verify; null for the upstream's host
 * @param clientCert         a PEM certificate chain for mutual TLS, with {@code clientKey}; null for none
 * @param clientKey          its PKCS#8 key
 * @param insecureSkipVerify accept any certificate (testing only: it defeats the point of TLS)
 */
public record UpstreamTlsConfig(boolean enabled, Path caFile, String serverName, Path clientCert, Path clientKey,
                                boolean insecureSkipVerify) {

    public static final UpstreamTlsConfig OFF = new UpstreamTlsConfig(false, null, null, null, null, false);

    public UpstreamTlsConfig {
        Checks.require((clientCert == null) == (clientKey == null),
                "upstream_tls: client_cert and client_key go together");
    }
}
