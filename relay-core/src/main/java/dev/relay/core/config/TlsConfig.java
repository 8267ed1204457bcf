package dev.relay.core.config;

import java.nio.file.Path;
import java.util.List;

/**
 * TLS termination on a route's listeners: the certificates it serves. The first is the default; the others are
 * chosen by the client's SNI name against each certificate's DNS names (wildcards included).
 *
 * @param certificates PEM certificate chains and their PKCS#8 keys; empty means no TLS
 */
public record TlsConfig(List<Certificate> certificates) {

    /** One certificate chain and its key, both PEM files. */
    public record Certificate(Path cert, Path key) {
        public Certificate {
            Checks.require(cert != null && key != null, "tls.certificates: every entry needs cert and key");
        }
    }

    public static final TlsConfig NONE = new TlsConfig(List.of());

    public TlsConfig {
        Checks.require(certificates != null, "tls.certificates: missing");
        certificates = List.copyOf(certificates);
    }

    public boolean enabled() {
        return !certificates.isEmpty();
    }
}
