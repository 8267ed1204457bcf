package dev.relay.core.udp;

import dev.relay.core.config.ConfigException;
import dev.relay.core.config.Endpoint;

import java.time.Duration;

/**
 * How datagrams are relayed from one listen address to one upstream.
 *
 * @param listen          where clients send (a UDP address)
 * @param upstream        where their datagrams go
 * @param idleTimeout     a session ends after this long with no datagram either way
 * @param responses       a session ends after this many replies (nginx's {@code proxy_responses}, 1 for DNS); 0 = no
 *                        limit
 * @param requests        after this many datagrams from its client a session takes no more: the next one opens a new
 *                        session (nginx's {@code proxy_requests}); 0 = no limit
 * @param maxSessions     open sessions at most; a datagram that would open one more is dropped and counted
 * @param maxDatagramSize datagrams larger than this, either way, are dropped and counted
 * @param sendProxy       put a PROXY protocol v2 header (DGRAM) naming the client at the start of every datagram to the
 *                        upstream
 * @param acceptProxy     read a PROXY protocol v2 header at the start of every datagram from clients: the client it
 *                        names is the session's; a datagram without a valid one is dropped and counted
 */
public record UdpSettings(Endpoint.Inet listen, Endpoint.Inet upstream, Duration idleTimeout, int responses,
                          int requests, int maxSessions, int maxDatagramSize, boolean sendProxy, boolean acceptProxy) {

    /** Sessions of datagram protocols are short: a minute, as nginx and Envoy have it, not TCP's hour. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);
    public static final int DEFAULT_MAX_SESSIONS = 10_000;
    /** The largest payload an IPv4 or IPv6 UDP datagram can carry is 65,507 bytes; 64 KiB takes every one. */
    public static final int DEFAULT_MAX_DATAGRAM_SIZE = 65_536;

    public UdpSettings {
        if (listen == null || upstream == null) {
            throw new ConfigException("udp: a listen address and an upstream are needed");
        }
        if (idleTimeout == null || idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new ConfigException("udp: idle timeout must be positive (a session with none would never end), got "
                    + idleTimeout);
        }
        if (responses < 0 || requests < 0) {
            throw new ConfigException("udp: responses and requests must be 0 (no limit) or more");
        }
        if (maxSessions < 1) {
            throw new ConfigException("udp: max_sessions must be at least 1, got " + maxSessions);
        }
        if (maxDatagramSize < 1 || maxDatagramSize > DEFAULT_MAX_DATAGRAM_SIZE) {
            throw new ConfigException("udp: max_datagram_size must be 1 to " + DEFAULT_MAX_DATAGRAM_SIZE + ", got "
                    + maxDatagramSize);
        }
    }

    /** Datagrams from {@code listen} to {@code upstream} with the defaults. */
    public static UdpSettings of(Endpoint.Inet listen, Endpoint.Inet upstream) {
        return new UdpSettings(listen, upstream, DEFAULT_IDLE_TIMEOUT, 0, 0, DEFAULT_MAX_SESSIONS,
                DEFAULT_MAX_DATAGRAM_SIZE, false, false);
    }

    public UdpSettings withIdleTimeout(Duration value) {
        return new UdpSettings(listen, upstream, value, responses, requests, maxSessions, maxDatagramSize,
                sendProxy, acceptProxy);
    }

    public UdpSettings withResponses(int value) {
        return new UdpSettings(listen, upstream, idleTimeout, value, requests, maxSessions, maxDatagramSize,
                sendProxy, acceptProxy);
    }

    public UdpSettings withRequests(int value) {
        return new UdpSettings(listen, upstream, idleTimeout, responses, value, maxSessions, maxDatagramSize,
                sendProxy, acceptProxy);
    }

    public UdpSettings withMaxSessions(int value) {
        return new UdpSettings(listen, upstream, idleTimeout, responses, requests, value, maxDatagramSize,
                sendProxy, acceptProxy);
    }

    public UdpSettings withMaxDatagramSize(int value) {
        return new UdpSettings(listen, upstream, idleTimeout, responses, requests, maxSessions, value,
                sendProxy, acceptProxy);
    }

    public UdpSettings withSendProxy(boolean value) {
        return new UdpSettings(listen, upstream, idleTimeout, responses, requests, maxSessions, maxDatagramSize, value,
                acceptProxy);
    }

    public UdpSettings withAcceptProxy(boolean value) {
        return new UdpSettings(listen, upstream, idleTimeout, responses, requests, maxSessions, maxDatagramSize,
                sendProxy, value);
    }
}
