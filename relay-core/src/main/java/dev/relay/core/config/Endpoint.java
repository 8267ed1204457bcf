package dev.relay.core.config;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;

/**
 * Where relay listens or connects: a TCP address or a Unix domain socket.
 *
 * <p>Accepted forms: {@code HOST:PORT}, {@code [IPv6]:PORT}, {@code :PORT} or {@code PORT} (all interfaces),
 * and {@code unix:/path}.
 */
public sealed interface Endpoint permits Endpoint.Inet, Endpoint.Unix {

    String EXPECTED = "expected: HOST:PORT, [IPv6]:PORT, PORT or unix:/path";

    /** The socket address Netty binds or connects to; hostnames stay unresolved until a connect resolves them. */
    SocketAddress toSocketAddress();

    /** True when a wildcard host was given, so the endpoint means every interface. */
    default boolean isWildcard() {
        return false;
    }

    /** Parses one of the accepted forms, or throws with a one-line message that names the bad text. */
    static Endpoint parse(String text) {
        if (text == null || text.isBlank()) {
            throw new ConfigException("an address is empty (" + EXPECTED + ")");
        }
        String s = text.trim();
        if (s.startsWith("unix:")) {
            String path = s.substring("unix:".length());
            if (path.isEmpty()) {
                throw new ConfigException("\"" + text + "\" has no socket path (" + EXPECTED + ")");
            }
            return new Unix(Path.of(path));
        }
        if (s.startsWith("[")) {
            int close = s.indexOf("]:");
            if (close < 0) {
                throw new ConfigException("\"" + text + "\" is not an address (" + EXPECTED + ")");
            }
            String host = s.substring(1, close);
            if (!NetUtil.isValidIpV6Address(host)) {
                throw new ConfigException("\"" + text + "\": " + host + " is not an IPv6 address");
            }
            return new Inet(host, parsePort(text, s.substring(close + 2)));
        }
        int colon = s.lastIndexOf(':');
        if (colon < 0) {
            return new Inet("", parsePort(text, s));
        }
        if (s.indexOf(':') != colon) {
            throw new ConfigException("\"" + text + "\": write an IPv6 address in brackets ([::1]:PORT)");
        }
        return new Inet(s.substring(0, colon), parsePort(text, s.substring(colon + 1)));
    }

    private static int parsePort(String text, String port) {
        if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(Character::isDigit)) {
            throw new ConfigException("\"" + text + "\" has no valid port (" + EXPECTED + ")");
        }
        int value = Integer.parseInt(port);
        if (value > 65535) {
            throw new ConfigException("\"" + text + "\": port " + value + " is out of range (expected: 0-65535)");
        }
        return value;
    }

    /** A TCP endpoint. An empty host means every interface. */
    record Inet(String host, int port) implements Endpoint {
        public Inet {
            if (host == null) {
                throw new ConfigException("host: null (expected: a hostname, an IP address or \"\")");
            }
            if (port < 0 || port > 65535) {
                throw new ConfigException("port: " + port + " (expected: 0-65535)");
            }
        }

        @Override
        public boolean isWildcard() {
            return host.isEmpty() || host.equals("*");
        }

        @Override
        public SocketAddress toSocketAddress() {
            if (isWildcard()) {
                return new InetSocketAddress(port);
            }
            byte[] literal = NetUtil.createByteArrayFromIpAddressString(host);
            if (literal != null) {
                try {
                    return new InetSocketAddress(InetAddress.getByAddress(host, literal), port);
                } catch (java.net.UnknownHostException impossible) {
                    throw new IllegalStateException(impossible);
                }
            }
            return InetSocketAddress.createUnresolved(host, port);
        }

        @Override
        public String toString() {
            String h = isWildcard() ? "*" : host.indexOf(':') >= 0 ? "[" + host + "]" : host;
            return h + ":" + port;
        }
    }

    /** A Unix domain socket, by path. */
    record Unix(Path path) implements Endpoint {
        public Unix {
            if (path == null) {
                throw new ConfigException("path: null (expected: a socket path)");
            }
        }

        @Override
        public SocketAddress toSocketAddress() {
            return UnixDomainSocketAddress.of(path);
        }

        @Override
        public String toString() {
            return "unix:" + path;
        }
    }
}
