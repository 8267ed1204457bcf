package dev.relay.core.tls;

import dev.relay.core.config.RouteConfig;
import dev.relay.core.config.TlsConfig;
import dev.relay.core.config.UpstreamTlsConfig;
import dev.relay.core.config.file.FileDigest;

import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Tells when a route's certificate, key and CA files were replaced, as a renewal (certbot, cert-manager) does.
 * It compares a {@link FileDigest} of their content. Files are read on the caller's thread, which must not be an
 * event loop.
 */
public final class CertificateFiles {

    private final Map<String, byte[]> lastSeen = new HashMap<>();

    /** The files a route's TLS reads: its served certificates and keys, and its upstream CA and client files. */
    public static List<Path> of(RouteConfig route) {
        List<Path> files = new ArrayList<>();
        for (TlsConfig.Certificate certificate : route.tls().certificates()) {
            files.add(certificate.cert());
            files.add(certificate.key());
        }
        UpstreamTlsConfig upstream = route.upstreamTls();
        if (upstream.enabled()) {
            files.add(upstream.caFile());
            files.add(upstream.clientCert());
            files.add(upstream.clientKey());
        }
        files.removeIf(Objects::isNull);
        return files;
    }

    /**
     * True when {@code files} hold something else than when last asked under {@code key}; the first time, false.
     * While a file cannot be read (mid-replace), nothing is said to have changed.
     */
    public synchronized boolean changed(String key, List<Path> files) {
        byte[] now = FileDigest.of(files);
        if (now == null) {
            return false;
        }
        byte[] before = lastSeen.put(key, now);
        return before != null && !MessageDigest.isEqual(before, now);
    }

    /** Forgets {@code key}'s files (its route is gone). */
    public synchronized void forget(String key) {
        lastSeen.remove(key);
    }
}
