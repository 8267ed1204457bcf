package dev.relay.core.udp;

import java.util.Locale;

/** Why a datagram was not relayed; each has its counter. */
public enum UdpDrop {
    /** Larger than the route's {@code max_datagram_size}. */
    OVERSIZE,
    /** It would have opened a session past {@code max_sessions}, or past {@code max_sessions_per_client}. */
    LIMIT,
    /** Its client is refused by the route's ACL, or its sender may not send PROXY headers (not trusted). */
    ACL,
    /** The route is draining (stopping, or removed by a reload): its open sessions go on, no new one opens. */
    DRAINING,
    /** The socket it had to leave by could take no more (its buffer was full): dropped, never queued. */
    SEND_BUFFER_FULL,
    /** No healthy upstream for a new session, its upstream socket could not be opened, or went while it waited. */
    NO_UPSTREAM,
    /** The route reads PROXY headers, and the datagram did not start with a valid v2 header for UDP. */
    BAD_PROXY_HEADER,
    /** A {@code drop} toxic took it, or a latency or bandwidth toxic would have held it past its bound. */
    TOXIC;

    /** As metrics and the API name it: {@code send_buffer_full}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
