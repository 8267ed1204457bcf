package dev.relay.core.udp;

/** Why a datagram was not relayed; each has its counter. */
public enum UdpDrop {
    /** Larger than the route's {@code max_datagram_size}. */
    OVERSIZE,
    /** It would have opened a session past {@code max_sessions}. */
    LIMIT,
    /** The socket it had to leave by could take no more (its buffer was full): dropped, never queued. */
    SEND_BUFFER_FULL,
    /** Its session's upstream socket could not be opened, or went while the datagram waited. */
    NO_UPSTREAM,
    /** The route reads PROXY headers, and the datagram did not start with a valid v2 header for UDP. */
    BAD_PROXY_HEADER
}
