package dev.relay.core.testing;

import org.junit.jupiter.api.Assumptions;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.concurrent.TimeUnit;

/** Self-signed EC certificates made by the openssl command at test time, so no private key is ever committed. */
public final class TestCertificates {

    private static final Path OPENSSL = Path.of("/usr/bin/openssl");

    private TestCertificates() {
    }

    /** A client-side TLS context that trusts exactly {@code certs} (self-signed server certificates). */
    public static SSLContext trusting(Path... certs) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        for (Path cert : certs) {
            try (InputStream in = Files.newInputStream(cert)) {
                trust.setCertificateEntry(cert.getFileName().toString(),
                        CertificateFactory.getInstance("X.509").generateCertificate(in));
            }
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }

    /** A certificate for {@code name} (its CN and only DNS name) and its key, in {@code dir}: {cert, key}. */
    public static Path[] make(Path dir, String name) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(OPENSSL), "openssl is not installed");
        Path cert = dir.resolve(name + ".crt");
        Path key = dir.resolve(name + ".key");
        Path log = dir.resolve(name + ".openssl.log");
        Process openssl = new ProcessBuilder(OPENSSL.toString(), "req", "-x509", "-newkey", "ec",
                "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj", "/CN=" + name,
                "-addext", "subjectAltName=DNS:" + name, "-keyout", key.toString(), "-out", cert.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!openssl.waitFor(30, TimeUnit.SECONDS) || openssl.exitValue() != 0) {
            throw new IllegalStateException("openssl could not make a certificate: " + Files.readString(log));
        }
        return new Path[] {cert, key};
    }
}
