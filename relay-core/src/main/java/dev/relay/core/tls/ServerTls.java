package dev.relay.core.tls;

import dev.relay.core.config.ConfigException;
import dev.relay.core.config.TlsConfig;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.DomainWildcardMappingBuilder;
import io.netty.util.Mapping;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * A route's server-side TLS: one {@link SslContext} per certificate, mapped by the DNS names the certificate
 * carries, the first certificate for clients that send no name or an unknown one. TLS 1.3 and 1.2 only, with the
 * provider's default (modern) cipher suites; OpenSSL (BoringSSL) where it loads, the JDK's TLS otherwise.
 */
public final class ServerTls {

    private static final Logger log = LoggerFactory.getLogger(ServerTls.class);
    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private final Mapping<String, SslContext> byName;

    private ServerTls(Mapping<String, SslContext> byName) {
        this.byName = byName;
    }

    /** Set to {@code jdk} or {@code openssl} to choose the provider instead of letting relay pick (benchmarks). */
    public static final String PROVIDER_PROPERTY = "relay.tls.provider";

    /** The provider relay uses: OpenSSL when its native library loads here, unless the property says otherwise. */
    public static SslProvider provider() {
        String wanted = System.getProperty(PROVIDER_PROPERTY, "");
        if (wanted.equals("jdk")) {
            return SslProvider.JDK;
        }
        if (wanted.equals("openssl") && !OpenSsl.isAvailable()) {
            throw new ConfigException("tls: OpenSSL was asked for but does not load here: "
                    + OpenSsl.unavailabilityCause().getMessage());
        }
        return OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
    }

    /** Reads every certificate and key; a file that cannot be used is a one-line {@link ConfigException}. */
    public static ServerTls load(String route, TlsConfig config) {
        SslProvider provider = provider();
        DomainWildcardMappingBuilder<SslContext> mapping = null;
        List<String> served = new ArrayList<>();
        for (TlsConfig.Certificate certificate : config.certificates()) {
            SslContext context;
            List<String> names;
            try {
                String what = "route " + route + ": tls";
                context = SslContextBuilder.forServer(PemFiles.open(what, certificate.cert()),
                                PemFiles.open(what, certificate.key()))
                        .sslProvider(provider)
                        .protocols(PROTOCOLS)
                        .build();
                names = dnsNames(what, certificate);
            } catch (IOException | CertificateException | IllegalArgumentException e) {
                throw new ConfigException("route " + route + ": tls: cannot use " + certificate.cert() + " with "
                        + certificate.key() + ": " + e.getMessage());
            }
            if (mapping == null) {
                mapping = new DomainWildcardMappingBuilder<>(context);
            }
            for (String name : names) {
                mapping.add(name, context);
            }
            served.add(String.join("|", names));
        }
        log.info("route {}: TLS with {} ({}), certificates for {}", route, provider,
                provider == SslProvider.OPENSSL ? OpenSsl.versionString() : "the JDK's", served);
        return new ServerTls(mapping.build());
    }

    /** The certificate's DNS subject alternative names, or its common name when it has none. */
    private static List<String> dnsNames(String what, TlsConfig.Certificate certificate) throws IOException, CertificateException {
        try (InputStream in = PemFiles.open(what, certificate.cert())) {
            X509Certificate x509 = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            List<String> names = new ArrayList<>();
            Collection<List<?>> alternatives = x509.getSubjectAlternativeNames();
            if (alternatives != null) {
                for (List<?> entry : alternatives) {
                    if (Integer.valueOf(2).equals(entry.get(0))) { // 2 = dNSName
                        names.add(String.valueOf(entry.get(1)));
                    }
                }
            }
            if (names.isEmpty()) {
                String subject = x509.getSubjectX500Principal().getName();
                for (String part : subject.split(",")) {
                    if (part.trim().startsWith("CN=")) {
                        names.add(part.trim().substring(3));
                    }
                }
            }
            return names;
        }
    }

    /**
     * The handler that reads the ClientHello's name and puts the matching certificate's TLS in its place; a client
     * that has not finished its handshake after {@code handshakeMillis} is closed.
     */
    public SniHandler newHandler(long handshakeMillis) {
        return new SniHandler(byName, handshakeMillis);
    }
}
