package dev.relay.bench;

import dev.relay.core.RelayServer;
import dev.relay.core.config.Endpoint;
import dev.relay.core.config.RouteConfig;
import dev.relay.core.config.ServerConfig;
import dev.relay.core.config.TlsConfig;
import dev.relay.core.tls.ServerTls;
import dev.relay.core.config.TransportKind;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * TLS termination by relay, OpenSSL (BoringSSL) against the JDK's TLS on relay's side: bulk throughput over one
 * TLS connection (one operation is one MiB, so ops/s reads as MiB/s), and full handshakes per second (connect,
 * handshake, close). The client is the JDK's TLS in both, so only relay's provider changes between the two.
 * The certificate (EC P-256) is made by the openssl command at setup.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@State(Scope.Benchmark)
public class TlsBenchmark {

    private static final int MIB = 1024 * 1024;

    @Param({"openssl", "jdk"})
    public String provider;

    private Path dir;
    private Sink sink;
    private RelayServer relay;
    private SSLContext client;
    private SSLSocket bulk;
    private OutputStream bulkOut;
    private byte[] chunk;

    @Setup(Level.Trial)
    public void start() throws Exception {
        System.setProperty(ServerTls.PROVIDER_PROPERTY, provider);
        dir = Files.createTempDirectory("relay-tls-bench");
        Path cert = dir.resolve("bench.crt");
        Path key = dir.resolve("bench.key");
        Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj", "/CN=bench.relay.test",
                "-addext", "subjectAltName=DNS:bench.relay.test", "-keyout", key.toString(), "-out", cert.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("openssl.log").toFile()).start();
        if (!openssl.waitFor(30, TimeUnit.SECONDS) || openssl.exitValue() != 0) {
            throw new IllegalStateException("openssl could not make a certificate: " + Files.readString(dir.resolve("openssl.log")));
        }
        sink = new Sink();
        relay = RelayServer.start(ServerConfig.of(RouteConfig.builder("tls").listen(Endpoint.parse("127.0.0.1:0"))
                        .upstream(Endpoint.parse("127.0.0.1:" + sink.address().getPort()))
                        .tls(new TlsConfig(List.of(new TlsConfig.Certificate(cert, key)))).build())
                .with(TransportKind.AUTO, 1, Duration.ZERO));
        client = trusting(cert);
        bulk = connect();
        bulkOut = bulk.getOutputStream();
        chunk = new byte[MIB];
        ThreadLocalRandom.current().nextBytes(chunk);
    }

    private static SSLContext trusting(Path cert) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(cert)) {
            trust.setCertificateEntry("bench", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }

    private SSLSocket connect() throws Exception {
        InetSocketAddress address = (InetSocketAddress) relay.localAddress();
        SSLSocket socket = (SSLSocket) client.getSocketFactory().createSocket("127.0.0.1", address.getPort());
        socket.startHandshake();
        return socket;
    }

    @Benchmark
    public int bulkMebibyte() throws Exception {
        bulkOut.write(chunk);
        return chunk.length;
    }

    @Benchmark
    public boolean handshake() throws Exception {
        // The client context is shared, but each session is invalidated once made, so every connect makes a full
        // handshake rather than resuming the last one.
        try (SSLSocket socket = connect()) {
            socket.getSession().invalidate();
            return socket.getSession().isValid();
        }
    }

    @TearDown(Level.Trial)
    public void stop() throws Exception {
        bulk.close();
        relay.close();
        sink.close();
        System.clearProperty(ServerTls.PROVIDER_PROPERTY);
    }
}
