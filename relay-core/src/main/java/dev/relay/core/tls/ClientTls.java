package dev.relay.core.tls;

import dev.relay.core.config.ConfigException;
import dev.relay.core.config.Endpoint;
import dev.relay.core.config.UpstreamTlsConfig;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

/**
 * A route's TLS towards its upstreams: SNI and hostname verification on by default, a CA file or the JDK's trust
 * store, an optional client certificate. Writes made before the handshake is done wait inside the SslHandler, so
 * nothing reaches the upstream in the clear.
 */
public final class ClientTls {

    private static final Logger log = LoggerFactory.getLogger(ClientTls.class);

    private final SslContext context;
    private final UpstreamTlsConfig config;

    private ClientTls(SslContext context, UpstreamTlsConfig config) {
        this.context = context;
        this.config = config;
    }

    public static ClientTls load(String route, UpstreamTlsConfig config) {
        try {
            SslContextBuilder builder = SslContextBuilder.forClient()
                    .sslProvider(ServerTls.provider())
                    .protocols("TLSv1.3", "TLSv1.2");
            if (config.insecureSkipVerify()) {
                log.warn("route {}: upstream_tls.insecure_skip_verify is on: any upstream certificate is accepted", route);
                builder.trustManager(InsecureTrustManagerFactory.INSTANCE);
            } else if (config.caFile() != null) {
                builder.trustManager(PemFiles.open("route " + route + ": upstream_tls.ca_file", config.caFile()));
            }
            if (config.clientCert() != null) {
                builder.keyManager(PemFiles.open("route " + route + ": upstream_tls.client_cert", config.clientCert()),
                        PemFiles.open("route " + route + ": upstream_tls.client_key", config.clientKey()));
            }
            return new ClientTls(builder.build(), config);
        } catch (SSLException | IllegalArgumentException e) {
            throw new ConfigException("route " + route + ": upstream_tls: " + e.getMessage());
        }
    }

    /** A handler for one upstream connection to {@code upstream}, sending SNI and verifying the name. */
    public SslHandler newHandler(ByteBufAllocator alloc, Endpoint upstream) {
        String host = config.serverName() != null ? config.serverName()
                : upstream instanceof Endpoint.Inet inet ? inet.host() : "localhost";
        int port = upstream instanceof Endpoint.Inet inet ? inet.port() : -1;
        SslHandler handler = context.newHandler(alloc, host, port);
        if (!config.insecureSkipVerify()) {
            SSLEngine engine = handler.engine();
            SSLParameters parameters = engine.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            engine.setSSLParameters(parameters);
        }
        return handler;
    }
}
