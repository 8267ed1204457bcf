package dev.relay.core.udp;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;

/**
 * What one finished UDP session did: the access log's line.
 *
 * @param via the sender the datagrams came from when a PROXY header named another client; null otherwise
 */
public record UdpSessionSummary(long id, String route, Instant openedAt, InetSocketAddress client,
                                InetSocketAddress via, String upstream, long datagramsUp, long datagramsDown,
                                long bytesUp, long bytesDown, Duration duration, String reason) {
}
