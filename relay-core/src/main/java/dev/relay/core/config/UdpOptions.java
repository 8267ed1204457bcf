package dev.relay.core.config;

/**
 * What only a UDP route has: when a session ends besides its idle timeout, and the largest datagram it relays.
 *
 * @param responses       a session ends after this many replies (nginx's {@code proxy_responses}, 1 for DNS);
 *                        0 = no limit
 * @param requests        after this many datagrams from its client a session takes no more, and the client's next
 *                        one opens a new session (nginx's {@code proxy_requests}); 0 = no limit
 * @param maxDatagramSize datagrams larger than this, either way, are dropped and counted
 */
public record UdpOptions(int responses, int requests, int maxDatagramSize) {

    /** The largest payload a UDP datagram can carry is 65,507 bytes over IPv4; 64 KiB takes every one. */
    public static final int LARGEST_DATAGRAM = 65_536;
    public static final UdpOptions DEFAULT = new UdpOptions(0, 0, LARGEST_DATAGRAM);

    public UdpOptions {
        Checks.range("responses", responses, 0, Integer.MAX_VALUE);
        Checks.range("requests", requests, 0, Integer.MAX_VALUE);
        Checks.range("max_datagram_size", maxDatagramSize, 1, LARGEST_DATAGRAM);
    }

    public UdpOptions withResponses(int value) {
        return new UdpOptions(value, requests, maxDatagramSize);
    }

    public UdpOptions withRequests(int value) {
        return new UdpOptions(responses, value, maxDatagramSize);
    }

    public UdpOptions withMaxDatagramSize(int value) {
        return new UdpOptions(responses, requests, value);
    }
}
